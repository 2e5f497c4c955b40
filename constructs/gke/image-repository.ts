import { Token } from 'cdktf';

/** An Artifact Registry repository that images are pulled from. */
export interface ImageRepository {
  /**
   * Location of the repository: a multi-region (`us`, `europe`, `asia`) or a region
   * (`us-central1`); the `<location>-docker.pkg.dev` host of its images.
   */
  readonly location: string;
  /** Repository id, e.g. `webhook` in `us-docker.pkg.dev/acme/webhook/runtime`. */
  readonly repositoryId: string;
  /**
   * Project that owns the repository, when it is not the cluster's (a shared images project).
   * @default - the cluster's project
   */
  readonly project?: string;
}

/** `<location>-docker.pkg.dev/<project>/<repository>/<image path>[:tag][@digest]`. */
const DOCKER_PKG =
  /^([a-z0-9-]+)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z0-9][a-z0-9._-]*)\/[^@:]+(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?$/;
/** Container Registry hosts, served by Artifact Registry `gcr.io` repositories since 2024. */
const GCR = /^((?:us\.|eu\.|asia\.)?gcr\.io)\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/[^@:]+(?::[\w.-]+)?(?:@sha256:[a-f0-9]{64})?$/;
const GCR_LOCATION: Record<string, string> = { 'gcr.io': 'us', 'us.gcr.io': 'us', 'eu.gcr.io': 'europe', 'asia.gcr.io': 'asia' };

/** Helpers for `ImageRepository`. */
export class ImageRepositories {
  /**
   * The repository a container image is pulled from, read from its reference, e.g.
   * `us-docker.pkg.dev/acme/webhook/runtime@sha256:...` → location `us`, project `acme`,
   * repository `webhook`. Also reads `gcr.io`-style references (Artifact Registry `gcr.io`
   * repositories). Throws for other registries and for unresolved values.
   * @param image a full image reference with registry host
   */
  public static fromImage(image: string): ImageRepository {
    if (Token.isUnresolved(image)) {
      throw new Error(
        'ImageRepositories.fromImage: the image is an unresolved token; give the repository explicitly ({ location, repositoryId, project })',
      );
    }
    const pkg = DOCKER_PKG.exec(image);
    if (pkg) return { location: pkg[1], project: pkg[2], repositoryId: pkg[3] };
    const gcr = GCR.exec(image);
    if (gcr) return { location: GCR_LOCATION[gcr[1]], project: gcr[2], repositoryId: gcr[1] };
    throw new Error(
      `ImageRepositories.fromImage: "${image}" is not an Artifact Registry image: use <location>-docker.pkg.dev/<project>/<repository>/<image>, or give the repository explicitly`,
    );
  }

  /**
   * Problems with a repository, each naming the field and the fix; empty when valid.
   * Unresolved tokens are not judged.
   * @param repository the repository to check
   */
  public static problems(repository: ImageRepository): string[] {
    const problems: string[] = [];
    const { location, repositoryId, project } = repository;
    if (!Token.isUnresolved(location) && !/^(us|europe|asia|[a-z]+-[a-z]+\d+)$/.test(location ?? '')) {
      problems.push(
        `location "${location}" is not an Artifact Registry location: use a multi-region (us, europe, asia) or a region (us-central1)`,
      );
    }
    if (!Token.isUnresolved(repositoryId) && !/^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/.test(repositoryId ?? '')) {
      problems.push(`repositoryId "${repositoryId}" is not a repository id: use lowercase letters, digits and "-", e.g. "webhook"`);
    }
    if (project !== undefined && !Token.isUnresolved(project) && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)) {
      problems.push(`project "${project}" is not a project id (6-30 lowercase letters, digits and "-")`);
    }
    return problems;
  }

  private constructor() {}
}
