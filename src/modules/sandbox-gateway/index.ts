/** Public surface of the sandbox gateway (a stand-in for an outside payment gateway). */
export { createSandboxGateway, sandboxGatewayPlugin, type SandboxGatewayOptions, type SandboxGatewayServer } from './sandbox.plugin.ts';
export { DEFAULT_TUNING, type DeliveryTuning } from './delivery.ts';
export { sandboxPay } from './testing.ts';
