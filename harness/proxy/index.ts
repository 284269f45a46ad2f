// The fault proxy: TCP/HTTP proxies with Toxiproxy's toxics, in-process or behind a
// Toxiproxy-compatible admin API (`drillbit proxy`). See README.md beside this file.
export { AdminApi, type AdminApiOptions } from './admin-api.ts';
export { ProxyServer, type ProxyServerOptions } from './proxy-server.ts';
export { ToxicProxy, type ProxyView, type ToxicProxyOptions } from './toxic-proxy.ts';
export type { ProxyConfig, ProxyUpdate } from './proxy-config.ts';
export { ProxyError } from './proxy-error.ts';
export { parseHostPort, formatHostPort, type HostPort } from './host-port.ts';
export { TOXIC_TYPES } from './toxic-registry.ts';
export type { ProxyProtocol, Stream, ToxicInput, ToxicView, ToxicType } from './toxic.ts';
