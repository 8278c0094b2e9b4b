/**
 * The resource types a CustomResourceDefinition defines: one per served version of an
 * Established CRD, with apiextensions-apiserver's pruning, structural defaulting, schema
 * validation, additionalPrinterColumns, subresources and selectableFields.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import type { PrintColumn, ResourceType } from '../types.js';
import { columnCell, evaluateJsonPath, goPrint } from './apiextensions/json-path.js';
import { isCrdEstablished } from './apiextensions/customresourcedefinitions.js';
import { validateSchema } from './apiextensions/schema-validate.js';
import { applyDefaults, prune } from './apiextensions/structural.js';
import { VERBS, nameColumn, str } from './apps/print.js';

const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

interface Column {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority: number;
  jsonPath: string;
}

/** The version's columns; with none listed, the AGE column apiextensions serves by default. */
function columnsOf(version: JsonObject): Column[] {
  const listed = Array.isArray(version.additionalPrinterColumns)
    ? version.additionalPrinterColumns.filter(isJsonObject)
    : [];
  if (listed.length === 0)
    return [
      {
        name: 'Age',
        type: 'date',
        description: AGE_DESCRIPTION,
        priority: 0,
        jsonPath: '.metadata.creationTimestamp',
      },
    ];
  return listed.map((c) => {
    const col: Column = {
      name: String(c.name ?? ''),
      type: String(c.type ?? 'string'),
      priority: typeof c.priority === 'number' ? c.priority : 0,
      jsonPath: String(c.jsonPath ?? ''),
    };
    if (typeof c.format === 'string' && c.format !== '') col.format = c.format;
    if (typeof c.description === 'string') col.description = c.description;
    return col;
  });
}

/** `.spec.replicas` → `spec.replicas`, the dotted form ResourceType paths use. */
const dotted = (jsonPath: string) => jsonPath.replace(/^\./, '');

function typeFor(crd: JsonObject, version: JsonObject): ResourceType {
  const spec = crd.spec as JsonObject;
  const names = isJsonObject(spec.names) ? spec.names : {};
  const schema =
    isJsonObject(version.schema) && isJsonObject(version.schema.openAPIV3Schema)
      ? version.schema.openAPIV3Schema
      : undefined;
  const subresources = isJsonObject(version.subresources) ? version.subresources : {};
  const columns = columnsOf(version);
  const kind = String(names.kind ?? '');
  const type: ResourceType = {
    group: String(spec.group ?? ''),
    version: String(version.name ?? ''),
    resource: String(names.plural ?? ''),
    singular: String(names.singular || kind.toLowerCase()),
    kind,
    listKind: String(names.listKind || `${kind}List`),
    namespaced: spec.scope !== 'Cluster',
    verbs: VERBS,
    custom: true,
    defaults: (obj) => {
      // as the apiextensions decoder: unknown fields are pruned, then defaults applied (they are pruned already)
      prune(obj, schema, true);
      applyDefaults(obj, schema);
    },
    validate: (obj) => {
      const { metadata: _meta, apiVersion: _v, kind: _k, ...rest } = obj;
      const rootSchema = schema
        ? { ...schema, properties: { ...(isJsonObject(schema.properties) ? schema.properties : {}) } }
        : undefined;
      if (rootSchema)
        for (const k of ['metadata', 'apiVersion', 'kind']) delete (rootSchema.properties as JsonObject)[k];
      return validateSchema(rest, rootSchema, '');
    },
    printColumns: [nameColumn, ...columns.map(({ jsonPath: _p, ...c }) => c as PrintColumn)],
    printRow: (obj, now) => [
      str(obj, 'metadata.name'),
      ...columns.map((c) => columnCell(obj, c.jsonPath, c.type, now)),
    ],
  };
  if (schema) type.schema = schema;
  if (Array.isArray(names.shortNames) && names.shortNames.length)
    type.shortNames = names.shortNames.map(String);
  if (Array.isArray(names.categories) && names.categories.length)
    type.categories = names.categories.map(String);
  if (isJsonObject(subresources.status)) type.status = true;
  const scale = subresources.scale;
  if (isJsonObject(scale)) {
    type.scale = {
      specReplicasPath: dotted(String(scale.specReplicasPath ?? '')),
      statusReplicasPath: dotted(String(scale.statusReplicasPath ?? '')),
    };
    if (typeof scale.labelSelectorPath === 'string' && scale.labelSelectorPath)
      type.scale.labelSelectorPath = dotted(scale.labelSelectorPath);
  }
  const selectable = Array.isArray(version.selectableFields)
    ? version.selectableFields.filter(isJsonObject)
    : [];
  if (selectable.length) {
    type.selectableFields = (obj) => {
      const out: Record<string, string> = {};
      for (const f of selectable) {
        const path = String(f.jsonPath ?? '');
        const value: JsonValue | undefined = evaluateJsonPath(obj, path)[0];
        out[dotted(path)] =
          value === undefined || value === null ? '' : typeof value === 'string' ? value : goPrint(value);
      }
      return out;
    };
  }
  return type;
}

/**
 * One ResourceType per served version of an Established CRD; none while it is not
 * established (see `establishedStatus` in ./apiextensions for the conditions that make it so).
 */
export function resourceTypesFromCrd(crd: JsonObject): ResourceType[] {
  if (!isJsonObject(crd.spec) || !isCrdEstablished(crd)) return [];
  const versions = Array.isArray(crd.spec.versions) ? crd.spec.versions.filter(isJsonObject) : [];
  return versions.filter((v) => v.served === true).map((v) => typeFor(crd, v));
}
