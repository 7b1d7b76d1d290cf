import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { docsMessage, importMessage } from '../src/messages';
import { RepositoryImport } from '../src/protocol';

function repository(root: string, newCommits: number, problem: string | null): RepositoryImport {
  return { root, newCommits, unreachable: 0, checkouts: 0, seconds: 0.1, problem };
}

describe('docsMessage', () => {
  const none = { applied: 0, files: 0, refused: [], cancelled: false, failures: [] };
  it('counts docstrings and files', () => {
    assert.equal(
      docsMessage({ ...none, applied: 3, files: 1 }),
      'DevFocus: wrote 3 docstrings in 1 file.',
    );
    assert.equal(
      docsMessage({ ...none, applied: 1, files: 2 }),
      'DevFocus: wrote 1 docstring in 2 files.',
    );
  });
  it('says when there was nothing to do, when it stopped early, and what it left alone', () => {
    assert.equal(docsMessage(none), 'DevFocus: no docstrings were missing or out of date.');
    assert.equal(docsMessage({ ...none, cancelled: true }), 'DevFocus: stopped before the end.');
    assert.equal(
      docsMessage({ ...none, refused: ['a.py is not a Python file'] }),
      'DevFocus: no docstrings were missing or out of date; 1 place left alone (a.py is not a Python file).',
    );
  });
  it('reports an edit the editor refused', () => {
    assert.match(
      docsMessage({ ...none, failures: ['file changed'] }),
      /did not apply the docstrings: file changed/,
    );
  });
});

describe('importMessage', () => {
  it('sums new commits over repositories and names a problem', () => {
    const result = {
      repositories: [repository('/a', 1, null), repository('/b', 2, 'not a git repository')],
    };
    assert.equal(
      importMessage(result),
      'DevFocus: imported 3 new commits from 2 repositories. /b: not a git repository',
    );
    assert.equal(
      importMessage({ repositories: [] }),
      'DevFocus: no git repository in this workspace.',
    );
  });
  it('says why nothing was imported, or which repository was not read', () => {
    assert.equal(
      importMessage({ repositories: [], reason: 'the workspace is not trusted' }),
      'DevFocus: no git history imported: the workspace is not trusted.',
    );
    const notRead = [{ root: '/srv/x', reason: 'not read: owned by nobody, not you' }];
    assert.equal(
      importMessage({ repositories: [], notRead }),
      'DevFocus: no git history imported. /srv/x: not read: owned by nobody, not you',
    );
    assert.equal(
      importMessage({ repositories: [repository('/a', 2, null)], notRead }),
      'DevFocus: imported 2 new commits from 1 repository. /srv/x: not read: owned by nobody, not you',
    );
  });
});
