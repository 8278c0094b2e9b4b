/**
 * Server-side printing: objects as a meta.k8s.io/v1 Table (what `kubectl get` asks for)
 * and as PartialObjectMetadata (what metadata-only clients ask for).
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../core/index.js';
import { badRequest } from '../errors.js';
import { age } from '../kinds/print-util.js';
import type { PrintColumn, ResourceType } from '../types.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** `?includeObject=`, Metadata by default as on the real server. */
export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`invalid includeObject value: "${v}", valid values are: None, Metadata, Object`);
}

/** The columns of objects without printer columns: what the real default table convertor shows. */
const defaultColumns: PrintColumn[] = [
  {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  },
  {
    name: 'Age',
    type: 'string',
    description:
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
  },
];

const metaOf = (obj: JsonObject): JsonObject => (isJsonObject(obj.metadata) ? obj.metadata : {});

export function partialObjectMetadata(obj: JsonObject): JsonObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: metaOf(obj) };
}

export function partialObjectMetadataList(list: JsonObject): JsonObject {
  const items = Array.isArray(list.items) ? list.items.filter(isJsonObject) : [];
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: 'meta.k8s.io/v1',
    metadata: isJsonObject(list.metadata) ? list.metadata : {},
    items: items.map(partialObjectMetadata),
  };
}

/** Prints objects of one type; `useTypeColumns` is false for subresources of another kind (scale). */
export class TablePrinter {
  private readonly columns: PrintColumn[];

  constructor(
    private readonly type: ResourceType,
    private readonly include: IncludeObject,
    private readonly now: () => Date,
    private readonly useTypeColumns = true,
  ) {
    this.columns = useTypeColumns && type.printColumns?.length ? type.printColumns : defaultColumns;
  }

  columnDefinitions(): JsonObject[] {
    return this.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority,
    }));
  }

  /** Cells by name and age for columns a type declares without a printRow. */
  private fallbackCells(obj: JsonObject, now: Date): JsonValue[] {
    const meta = metaOf(obj);
    return this.columns.map((c) => {
      if (c.name.toLowerCase() === 'name') return typeof meta.name === 'string' ? meta.name : '';
      if (c.name.toLowerCase() === 'age') return age(obj, now);
      return '';
    });
  }

  row(obj: JsonObject): JsonObject {
    const now = this.now();
    const printRow = this.useTypeColumns && this.type.printColumns?.length ? this.type.printRow : undefined;
    const row: JsonObject = { cells: printRow ? printRow(obj, now) : this.fallbackCells(obj, now) };
    if (this.include === 'Object') row.object = obj;
    else if (this.include === 'Metadata') row.object = partialObjectMetadata(obj);
    return row;
  }

  /** A Table of the given objects; columns may be left out (later watch events reuse the first's). */
  table(objects: JsonObject[], metadata: JsonObject, withColumns = true): JsonObject {
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata,
      columnDefinitions: withColumns ? this.columnDefinitions() : [],
      rows: objects.map((o) => this.row(o)),
    };
  }

  ofObject(obj: JsonObject, withColumns = true): JsonObject {
    const rv = metaOf(obj).resourceVersion;
    return this.table([obj], typeof rv === 'string' ? { resourceVersion: rv } : {}, withColumns);
  }

  ofList(list: JsonObject): JsonObject {
    const items = Array.isArray(list.items) ? list.items.filter(isJsonObject) : [];
    return this.table(items, isJsonObject(list.metadata) ? list.metadata : {});
  }
}
