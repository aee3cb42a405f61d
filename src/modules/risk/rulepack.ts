import type { RuleFields } from './risk.repo.ts';

/**
 * The built-in rule pack (seed 003's fraud rules, seed 002's card rules), installed on first start, on by
 * default and editable like any rule. `key` identifies a built-in across upgrades: a built-in a user deleted
 * is not installed again.
 */
export const RULE_PACK: Array<RuleFields & { key: string }> = [
  { key: 'block_list_hit', name: 'Block list hit', description: 'A value of this payment is on the block list', expression: 'lists.block', events: ['checkout', 'card_authorization', 'transfer', 'login', 'signup'], action: 'block', score: 100, sideActions: ['alert'], mode: 'active', enabled: true },
  { key: 'ip_velocity', name: 'IP velocity (auto-block)', description: 'Many checkouts from one public IP within an hour: the IP is blocked', expression: 'not ip.is_private and velocity.ip.count_1h >= 10', events: ['checkout'], action: 'block', score: 100, sideActions: ['blacklist', 'alert'], mode: 'active', enabled: true },
  { key: 'card_velocity', name: 'Card velocity', description: 'One card used many times in a day', expression: 'velocity.card.count_24h > 8', events: ['checkout'], action: 'review', score: 50, sideActions: [], mode: 'active', enabled: true },
  { key: 'email_velocity', name: 'E-mail velocity', description: 'Many checkouts by one e-mail within an hour', expression: 'velocity.email.count_1h > 5', events: ['checkout'], action: 'review', score: 50, sideActions: [], mode: 'active', enabled: true },
  { key: 'disposable_email', name: 'Disposable e-mail', description: 'Throw-away e-mail domain', expression: 'email.disposable', events: ['checkout', 'signup'], action: 'score', score: 40, sideActions: [], mode: 'active', enabled: true },
  { key: 'bot_user_agent', name: 'Bot user agent', description: 'The checkout came from a bot or headless browser', expression: 'user_agent.is_bot', events: ['checkout', 'signup', 'login'], action: 'block', score: 100, sideActions: [], mode: 'active', enabled: true },
  { key: 'bin_ip_country', name: 'Card country ≠ IP country', description: 'Card issued in another country than the buyer\'s IP, for a large amount', expression: 'ip.country != card.bin_country and amount.usd > 100', events: ['checkout'], action: 'review', score: 50, sideActions: [], mode: 'active', enabled: true },
  { key: 'hosting_asn', name: 'Data-centre IP', description: 'The buyer\'s IP belongs to a hosting provider (proxies, bots)', expression: 'ip.is_hosting', events: ['checkout', 'signup'], action: 'score', score: 45, sideActions: [], mode: 'active', enabled: true },
  { key: 'micro_transactions', name: 'Micro-transactions (card testing)', description: 'Many tiny amounts on one card: someone is testing stolen cards', expression: 'velocity.card.count_1h > 5 and amount.usd < 2', events: ['checkout', 'card_authorization'], action: 'block', score: 100, sideActions: ['blacklist', 'freeze_card', 'alert'], mode: 'active', enabled: true },
  { key: 'payment_method_switching', name: 'Payment-method switching', description: 'One customer tried several cards in a day', expression: 'velocity.email.distinct_card_24h >= 3', events: ['checkout'], action: 'review', score: 50, sideActions: [], mode: 'active', enabled: true },
  { key: 'too_fast_checkout', name: 'Checkout faster than a human', description: 'From page load to pay in under 3 seconds', expression: 'checkout.duration_ms < 3000', events: ['checkout'], action: 'score', score: 40, sideActions: [], mode: 'active', enabled: true },
  { key: 'shared_device', name: 'Device seen on many checkouts', description: 'The same device id on several checkouts in a day', expression: 'not is_missing(device.id) and velocity.device.count_24h >= 3', events: ['checkout'], action: 'score', score: 30, sideActions: [], mode: 'active', enabled: true },
  { key: 'restricted_merchant', name: 'Alcohol or gambling merchant', description: 'Company card used at a liquor store or casino for more than 500.00', expression: 'merchant.mcc in ["5921", "7995"] and amount.minor > 50000', events: ['card_authorization'], action: 'block', score: 100, sideActions: ['alert', 'freeze_card'], mode: 'active', enabled: true },
  { key: 'card_foreign_merchant', name: 'Card used abroad', description: 'Merchant country differs from the card\'s country', expression: 'merchant.country != card.bin_country', events: ['card_authorization'], action: 'score', score: 30, sideActions: ['alert'], mode: 'active', enabled: true },
];
