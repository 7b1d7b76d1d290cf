// What the server's command results say, in one sentence each. Pure, so the node tests cover it.

import { DocsResult, ImportResult } from './protocol';

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function docsMessage(result: DocsResult): string {
  if (result.failures.length > 0) {
    return `DevFocus: the editor did not apply the docstrings: ${result.failures[0]}`;
  }
  const parts: string[] = [];
  if (result.applied > 0) {
    parts.push(`wrote ${plural(result.applied, 'docstring')} in ${plural(result.files, 'file')}`);
  } else if (!result.cancelled) {
    parts.push('no docstrings were missing or out of date');
  }
  if (result.cancelled) {
    parts.push('stopped before the end');
  }
  if (result.refused.length > 0) {
    parts.push(`${plural(result.refused.length, 'place')} left alone (${result.refused[0]})`);
  }
  return `DevFocus: ${parts.join('; ')}.`;
}

export function importMessage(result: ImportResult): string {
  const repositories = result.repositories;
  const notRead = result.notRead ?? [];
  if (result.reason) {
    return `DevFocus: no git history imported: ${result.reason}.`;
  }
  if (repositories.length === 0 && notRead.length > 0) {
    return `DevFocus: no git history imported. ${notRead[0].root}: ${notRead[0].reason}`;
  }
  if (repositories.length === 0) {
    return 'DevFocus: no git repository in this workspace.';
  }
  const commits = repositories.reduce((sum, r) => sum + r.newCommits, 0);
  const problems = repositories.filter((r) => r.problem);
  let text = `DevFocus: imported ${plural(commits, 'new commit')} from ${plural(repositories.length, 'repository', 'repositories')}.`;
  if (problems.length > 0) {
    text += ` ${problems[0].root}: ${problems[0].problem}`;
  } else if (notRead.length > 0) {
    text += ` ${notRead[0].root}: ${notRead[0].reason}`;
  }
  return text;
}
