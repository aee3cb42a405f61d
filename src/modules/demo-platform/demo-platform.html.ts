/** A tiny escaping HTML template: every interpolated value is escaped unless it is already Html. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

function render(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c1c28;background:#f4f4f8}
header{display:flex;align-items:center;justify-content:space-between;gap:1rem;padding:.75rem 1rem;background:#ff3d6e;color:#fff}
header a,header button{color:#fff}header h1{font-size:1.1rem;margin:0}
main{max-width:46rem;margin:0 auto;padding:1rem}
section{background:#fff;border-radius:.75rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px #0001}
h2{font-size:1.05rem;margin:0 0 .75rem}
label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #c9c9d6;border-radius:.5rem}
button{padding:.6rem 1rem;font:inherit;font-weight:600;border:0;border-radius:.5rem;background:#ff3d6e;color:#fff;cursor:pointer}
button.link{background:none;padding:0;text-decoration:underline;font-weight:400}
.row{display:flex;gap:.5rem;align-items:flex-end}.row>div{flex:1}
.balance{font-size:1.6rem;font-weight:700}
.error{background:#ffe3e8;color:#8a0022;border-radius:.5rem;padding:.6rem .8rem}
.ok{background:#e2f7e9;color:#0b5a26;border-radius:.5rem;padding:.6rem .8rem}
.recipient{padding:.6rem .8rem;border:1px dashed #ff3d6e;border-radius:.5rem;margin:.5rem 0}
table{width:100%;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #eee;vertical-align:top}
td.num,th.num{text-align:right}.muted{color:#6b6b80;font-size:.85rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-all}
.scroll{overflow-x:auto}
`;

export function layout(title: string, body: Html, header?: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · SnackCoins (demo)</title><style>${new Html(STYLE)}</style></head>
<body><header><h1>SnackCoins <span class="muted" style="color:#fff">demo platform</span></h1>${header ?? ''}</header>
<main>${body}</main></body></html>`.value;
}

export const errorBox = (e: { code: string; message: string } | undefined) =>
  e ? html`<p id="error" class="error" role="alert" data-testid="error" data-code="${e.code}">${e.message}</p>` : '';

export const formatCoins = (n: number) => n.toLocaleString('en-US');
