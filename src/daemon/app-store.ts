/**
 * Applications and AppProjects as objects of the daemon's own embedded control plane: the
 * CRDs installed at start, reads, server-side applies, status writes, finalizers and a
 * watch. The control plane's in-process API is used directly: these objects never leave
 * the daemon's process, whatever cluster the applications deploy to.
 */
import { ApiError, type Api, type ApiWatchEvent, type Gvr } from '../controlplane/index.js';
import {
  CapstanError,
  sleep,
  type Application,
  type ApplicationStatusBody,
  type AppProject,
  type JsonObject,
} from '../core/index.js';
import { APPLICATION_CRD, APPPROJECT_CRD, PREVIEWSET_CRD, PROMOTION_CRD } from './crds.js';

export const APPLICATIONS: Gvr = { group: 'capstan.dev', version: 'v1alpha1', resource: 'applications' };
const PROJECTS: Gvr = { group: 'capstan.dev', version: 'v1alpha1', resource: 'appprojects' };
export const PROMOTIONS: Gvr = { group: 'capstan.dev', version: 'v1alpha1', resource: 'promotions' };
export const PREVIEWSETS: Gvr = { group: 'capstan.dev', version: 'v1alpha1', resource: 'previewsets' };
const CRDS: Gvr = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };

const isNotFound = (e: unknown) => e instanceof ApiError && e.reason === 'NotFound';

export class AppStore {
  constructor(private readonly api: Api) {}

  /** Creates or updates Capstan's CRDs and waits until their kinds are served. */
  async installCrds(): Promise<void> {
    for (const crd of [APPLICATION_CRD, APPPROJECT_CRD, PROMOTION_CRD, PREVIEWSET_CRD]) {
      await this.api.patch(
        CRDS,
        undefined,
        (crd.metadata as { name: string }).name,
        'apply',
        crd as unknown as JsonObject,
        {
          fieldManager: 'capstan',
          force: true,
        },
      );
    }
    for (
      let i = 0;
      ![APPLICATIONS, PROJECTS, PROMOTIONS, PREVIEWSETS].every((gvr) => this.api.lookup(gvr));
      i++
    ) {
      if (i >= 400)
        throw new CapstanError(
          'APP_CRD_NOT_SERVED',
          'the Application, AppProject, Promotion and PreviewSet kinds were not served in 20 s',
        );
      await sleep(50);
    }
  }

  list(): Application[] {
    return (this.api.list(APPLICATIONS, undefined).items as unknown as Application[]) ?? [];
  }

  get(name: string): Application | undefined {
    try {
      return this.api.get(APPLICATIONS, undefined, name) as unknown as Application;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** Server-side apply of the application's spec, metadata labels, annotations and finalizers. */
  async apply(app: Application, fieldManager: string): Promise<Application> {
    const body = {
      apiVersion: app.apiVersion,
      kind: app.kind,
      metadata: {
        name: app.metadata.name,
        ...(app.metadata.labels ? { labels: app.metadata.labels } : {}),
        ...(app.metadata.annotations ? { annotations: app.metadata.annotations } : {}),
        ...(app.metadata.finalizers ? { finalizers: app.metadata.finalizers } : {}),
      },
      spec: app.spec,
    };
    return (await this.api.patch(
      APPLICATIONS,
      undefined,
      app.metadata.name,
      'apply',
      body as unknown as JsonObject,
      {
        fieldManager,
        force: true,
      },
    )) as unknown as Application;
  }

  /** Replaces the status (the reconciler is its only writer): fields `previous` had and `status` lacks are removed. */
  async writeStatus(
    name: string,
    status: ApplicationStatusBody,
    previous: ApplicationStatusBody = {},
  ): Promise<void> {
    const patch: Record<string, unknown> = { ...status };
    for (const key of Object.keys(previous)) if (!(key in patch)) patch[key] = null;
    try {
      await this.api.patch(
        APPLICATIONS,
        undefined,
        name,
        'merge',
        { status: patch } as unknown as JsonObject,
        {
          subresource: 'status',
        },
      );
    } catch (e) {
      if (!isNotFound(e)) throw e; // deleted meanwhile: nothing to report on
    }
  }

  async setFinalizers(name: string, finalizers: string[]): Promise<void> {
    try {
      await this.api.patch(APPLICATIONS, undefined, name, 'merge', {
        metadata: { finalizers },
      } as JsonObject);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async delete(name: string): Promise<void> {
    await this.api.delete(APPLICATIONS, undefined, name);
  }

  watch(onEvent: (type: ApiWatchEvent['type'], app: Application) => void): { stop(): void } {
    return this.api.watch(APPLICATIONS, undefined, {}, (e) =>
      onEvent(e.type, e.object as unknown as Application),
    );
  }

  listProjects(): AppProject[] {
    return (this.api.list(PROJECTS, undefined).items as unknown as AppProject[]) ?? [];
  }

  getProject(name: string): AppProject | undefined {
    try {
      return this.api.get(PROJECTS, undefined, name) as unknown as AppProject;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  watchProjects(onEvent: () => void): { stop(): void } {
    return this.api.watch(PROJECTS, undefined, {}, () => onEvent());
  }
}
