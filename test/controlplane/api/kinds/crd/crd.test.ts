import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import { resourceTypesFromCrd } from '../../../../../src/controlplane/api/kinds/crd.js';
import {
  customresourcedefinitions,
  establishedStatus,
  evaluateJsonPath,
} from '../../../../../src/controlplane/api/kinds/apiextensions/index.js';

const now = new Date('2024-05-01T12:00:00Z');

const crd = (): JsonObject => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: {
          status: {},
          scale: {
            specReplicasPath: '.spec.replicas',
            statusReplicasPath: '.status.replicas',
            labelSelectorPath: '.status.selector',
          },
        },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['color'],
                properties: {
                  color: { type: 'string', enum: ['red', 'blue'] },
                  size: { type: 'integer', minimum: 1, default: 3 },
                  replicas: { type: 'integer' },
                  name: { type: 'string', maxLength: 5, pattern: '^[a-z]+$' },
                  parts: {
                    type: 'array',
                    maxItems: 2,
                    items: {
                      type: 'object',
                      properties: { id: { type: 'string' }, weight: { type: 'number', default: 1 } },
                    },
                  },
                  labels: { type: 'object', additionalProperties: { type: 'string' } },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  opts: {
                    type: 'object',
                    default: {},
                    properties: { debug: { type: 'boolean', default: false } },
                  },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
      { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
    ],
  },
});

const established = (): JsonObject => {
  const c = crd();
  customresourcedefinitions.defaults!(c);
  c.status = establishedStatus(c, now);
  return c;
};

test('CRD defaults and validation', (t) => {
  const c = crd();
  customresourcedefinitions.defaults!(c);
  t.like(c.spec as JsonObject, {
    names: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
    conversion: { strategy: 'None' },
  });
  t.deepEqual((c.status as JsonObject).storedVersions, ['v1']);
  t.deepEqual(customresourcedefinitions.validate!(c), []);
  const bad = crd();
  (bad.metadata as JsonObject).name = 'widgets';
  ((bad.spec as JsonObject).versions as JsonObject[])[1]!.storage = true;
  customresourcedefinitions.defaults!(bad);
  t.deepEqual(
    customresourcedefinitions.validate!(bad).map((e) => e.field),
    ['metadata.name', 'spec.versions'],
  );
  t.deepEqual(
    customresourcedefinitions.printColumns!.map((col) => col.name),
    ['Name', 'Created At'],
  );
});

test('only an established CRD is served, one type per served version', (t) => {
  t.deepEqual(resourceTypesFromCrd(crd()), []);
  const types = resourceTypesFromCrd(established());
  t.is(types.length, 1);
  const [type] = types;
  t.like(type!, {
    group: 'example.com',
    version: 'v1',
    resource: 'widgets',
    singular: 'widget',
    kind: 'Widget',
    listKind: 'WidgetList',
    namespaced: true,
    status: true,
    custom: true,
  });
  t.deepEqual(type!.shortNames, ['wd']);
  t.deepEqual(type!.categories, ['all']);
  t.deepEqual(type!.scale, {
    specReplicasPath: 'spec.replicas',
    statusReplicasPath: 'status.replicas',
    labelSelectorPath: 'status.selector',
  });
});

test('custom resources are pruned, then defaulted (inside arrays too)', (t) => {
  const [type] = resourceTypesFromCrd(established());
  const cr: JsonObject = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: {
      color: 'red',
      unknown: 1,
      parts: [{ id: 'a', junk: true }],
      extra: { anything: { goes: 1 } },
      labels: { a: 'b' },
    },
    status: { free: 'form' },
    top: 'dropped',
  };
  type!.defaults!(cr);
  t.deepEqual(cr, {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: {
      color: 'red',
      size: 3,
      parts: [{ id: 'a', weight: 1 }],
      extra: { anything: { goes: 1 } },
      labels: { a: 'b' },
      opts: { debug: false },
    },
    status: { free: 'form' },
  });
  t.deepEqual(type!.validate!(cr), []);
});

test('custom resources are validated against the schema', (t) => {
  const [type] = resourceTypesFromCrd(established());
  const cr: JsonObject = {
    metadata: { name: 'w' },
    spec: { color: 'green', size: 0, name: 'TooLong', replicas: 'x', parts: [{}, {}, {}] },
  };
  t.deepEqual(
    type!.validate!(cr).map((e) => `${e.field}: ${e.message}`),
    [
      'spec.color: Unsupported value: "green": supported values: "red", "blue"',
      'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
      'spec.name: Too long: may not be more than 5 bytes',
      'spec.name: Invalid value: "TooLong": spec.name in body should match \'^[a-z]+$\'',
      'spec.replicas: Invalid value: "x": spec.replicas in body must be of type integer: "string"',
      'spec.parts: Too many: 3: must have at most 2 items',
    ],
  );
  t.deepEqual(
    type!.validate!({ metadata: { name: 'w' }, spec: {} }).map((e) => e.field),
    ['spec.color'],
  );
});

test('printer columns: NAME first, JSONPath cells, implicit AGE without columns', (t) => {
  const [type] = resourceTypesFromCrd(established());
  t.deepEqual(
    type!.printColumns!.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Size', 'integer', 0],
      ['Ready', 'string', 0],
      ['Age', 'date', 0],
    ],
  );
  const cr: JsonObject = {
    metadata: { name: 'w', creationTimestamp: '2024-05-01T11:58:00Z' },
    spec: { size: 4 },
    status: {
      conditions: [
        { type: 'Synced', status: 'False' },
        { type: 'Ready', status: 'True' },
      ],
    },
  };
  t.deepEqual(type!.printRow!(cr, now), ['w', 4, 'True', '2m']);
  t.deepEqual(type!.printRow!({ metadata: { name: 'v' } }, now), ['v', null, null, null]);

  const plain = established();
  delete ((plain.spec as JsonObject).versions as JsonObject[])[0]!.additionalPrinterColumns;
  const [bare] = resourceTypesFromCrd(plain);
  t.deepEqual(
    bare!.printColumns!.map((c) => c.name),
    ['Name', 'Age'],
  );
  t.deepEqual(bare!.printRow!(cr, now), ['w', '2m']);
});

test('JSONPath subset', (t) => {
  const doc: JsonObject = {
    a: {
      'b.c': 1,
      list: [
        { k: 'x', v: 1 },
        { k: 'y', v: 2 },
      ],
    },
  };
  t.deepEqual(evaluateJsonPath(doc, ".a['b.c']"), [1]);
  t.deepEqual(evaluateJsonPath(doc, '.a.list[*].v'), [1, 2]);
  t.deepEqual(evaluateJsonPath(doc, '.a.list[-1].k'), ['y']);
  t.deepEqual(evaluateJsonPath(doc, '.a.list[?(@.k=="y")].v'), [2]);
  t.deepEqual(evaluateJsonPath(doc, '{.a.missing}'), []);
});
