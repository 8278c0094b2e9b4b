/** Services on the host: TCP proxies over ready endpoints. */
export { ServicePortProxy, type Backend, type ListenerOptions } from './tcp-proxy.js';
export { IngressRouter, chooseRoute, type Route } from './ingress-router.js';
