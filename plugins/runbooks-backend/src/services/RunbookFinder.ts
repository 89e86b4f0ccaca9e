import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { PreparerBuilder } from '@backstage/plugin-techdocs-node';
import {
  EntityRunbooks,
  RUNBOOKS_FOLDER,
  RunbookProblem,
  Runbook,
} from '@internal/plugin-runbooks-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { parseRunbookFrontMatter, toRunbook } from './frontMatter';

export const TECHDOCS_REF_ANNOTATION = 'backstage.io/techdocs-ref';

/** Finds the runbooks of an entity. */
export interface RunbookFinder {
  find(entity: Entity): Promise<EntityRunbooks>;
}

/**
 * Reads runbooks from an entity's TechDocs sources: the same files TechDocs
 * builds (through TechDocs' own preparers, so `dir:` and `url:` refs both
 * work), `<docs_dir>/runbooks/*.md`, each with its front matter. A file with
 * bad front matter is reported as a problem; the other runbooks still load.
 */
export class TechDocsRunbookFinder implements RunbookFinder {
  constructor(
    private readonly options: {
      preparers: PreparerBuilder;
      logger: LoggerService;
      staleAfterDays: number;
      now?: () => Date;
    },
  ) {}

  async find(entity: Entity): Promise<EntityRunbooks> {
    if (!entity.metadata.annotations?.[TECHDOCS_REF_ANNOTATION]) {
      return { runbooks: [], problems: [] };
    }
    const entityRef = stringifyEntityRef(entity);
    const preparer = this.options.preparers.get(entity);
    const { preparedDir } = await preparer.prepare(entity, {
      logger: this.options.logger,
    });
    try {
      return await this.readRunbooks(entityRef, preparedDir);
    } finally {
      if (preparer.shouldCleanPreparedDirectory()) {
        await fs.rm(preparedDir, { recursive: true, force: true });
      }
    }
  }

  private async readRunbooks(
    entityRef: string,
    siteDir: string,
  ): Promise<EntityRunbooks> {
    const docsDir = path.join(siteDir, await this.docsDirName(siteDir));
    const folder = path.join(docsDir, RUNBOOKS_FOLDER);
    let files: string[];
    try {
      files = (await fs.readdir(folder)).filter(
        f => f.endsWith('.md') && f !== 'index.md',
      );
    } catch {
      return { runbooks: [], problems: [] };
    }
    const now = (this.options.now ?? (() => new Date()))();
    const runbooks: Runbook[] = [];
    const problems: RunbookProblem[] = [];
    for (const file of files.sort()) {
      const relative = path.posix.join(RUNBOOKS_FOLDER, file);
      try {
        const frontMatter = parseRunbookFrontMatter(
          await fs.readFile(path.join(folder, file), 'utf8'),
        );
        runbooks.push(
          toRunbook({
            entityRef,
            id: file.replace(/\.md$/, ''),
            frontMatter,
            now,
            staleAfterDays: this.options.staleAfterDays,
          }),
        );
      } catch (error) {
        problems.push({ file: relative, message: (error as Error).message });
      }
    }
    return { runbooks, problems };
  }

  /** docs_dir of the site's mkdocs.yml, `docs` by default. */
  private async docsDirName(siteDir: string): Promise<string> {
    for (const name of ['mkdocs.yml', 'mkdocs.yaml']) {
      try {
        const content = await fs.readFile(path.join(siteDir, name), 'utf8');
        // mkdocs.yml may carry Python tags; read them as plain values.
        const config = yaml.parse(content, {
          strict: false,
          logLevel: 'silent',
        });
        const dir = config?.docs_dir;
        if (
          typeof dir === 'string' &&
          !path.isAbsolute(dir) &&
          !dir.includes('..')
        ) {
          return dir;
        }
        return 'docs';
      } catch {
        // try the next name
      }
    }
    return 'docs';
  }
}
