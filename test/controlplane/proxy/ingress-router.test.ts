import test from 'ava';
import { chooseRoute, type Route } from '../../../src/controlplane/proxy/index.js';

const route = (host: string | undefined, path: string, pathType: 'Exact' | 'Prefix'): Route => ({
  host,
  path,
  pathType,
  backends: () => [],
});

test('exact hosts beat wildcards, which beat no host; Exact beats Prefix; longer prefixes first', (t) => {
  const routes = [
    route(undefined, '/', 'Prefix'),
    route('*.example.com', '/', 'Prefix'),
    route('a.example.com', '/', 'Prefix'),
    route('a.example.com', '/api', 'Prefix'),
    route('a.example.com', '/api/v1', 'Exact'),
  ];
  t.is(chooseRoute(routes, 'a.example.com', '/api/v1'), routes[4]);
  t.is(chooseRoute(routes, 'a.example.com', '/api/v2'), routes[3]);
  t.is(chooseRoute(routes, 'a.example.com', '/'), routes[2]);
  t.is(chooseRoute(routes, 'b.example.com', '/x'), routes[1]);
  t.is(chooseRoute(routes, 'x.b.example.com', '/x'), routes[0], 'a wildcard covers one label only');
  t.is(chooseRoute(routes, 'other.org', '/x'), routes[0]);
});

test('Prefix matches whole path elements', (t) => {
  const routes = [route(undefined, '/foo', 'Prefix')];
  t.truthy(chooseRoute(routes, 'h', '/foo'));
  t.truthy(chooseRoute(routes, 'h', '/foo/bar'));
  t.is(chooseRoute(routes, 'h', '/foobar'), undefined);
});
