// Workspace Trust and the server: what the server is told, and what the extension itself will not
// run in a workspace that is not trusted. Pure: no `vscode` import, so the node tests cover it.

import * as path from 'node:path';
import { WorkspaceTrustParams } from './protocol';

/**
 * The server's initialization options: `trusted: false` in Restricted Mode, where it runs no git
 * and reads no repository until it is told otherwise. Built at each start, so a server started
 * again after trust was granted starts trusted.
 */
export function initializationOptions(trusted: boolean): WorkspaceTrustParams {
  return { trusted };
}

/** Whether `file` lies inside one of `folders` (or is one of them). */
export function isInside(
  file: string,
  folders: readonly string[],
  pathApi: path.PlatformPath = path,
): boolean {
  const target = pathApi.resolve(file);
  return folders.some((folder) => {
    const relative = pathApi.relative(pathApi.resolve(folder), target);
    return relative === '' || (!relative.startsWith('..') && !pathApi.isAbsolute(relative));
  });
}

/**
 * Whether an interpreter may start the server: in a workspace that is not trusted, not one that
 * lives inside the workspace (a `.venv` that came with the code could be anything).
 */
export function interpreterAllowed(
  executable: string,
  trusted: boolean,
  workspaceFolders: readonly string[],
  pathApi: path.PlatformPath = path,
): boolean {
  return trusted || !isInside(executable, workspaceFolders, pathApi);
}
