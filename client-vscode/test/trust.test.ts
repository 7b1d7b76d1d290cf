import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { WORKSPACE_TRUST } from '../src/protocol';
import { initializationOptions, interpreterAllowed, isInside } from '../src/trust';

describe('initializationOptions', () => {
  it('tell the server whether the workspace is trusted', () => {
    assert.deepEqual(initializationOptions(false), { trusted: false });
    assert.deepEqual(initializationOptions(true), { trusted: true });
    assert.equal(WORKSPACE_TRUST, 'devfocus/workspaceTrust');
  });
});

describe('isInside', () => {
  it('knows a folder, what is below it, and what is beside it', () => {
    const folders = ['/home/me/shop'];
    assert.ok(isInside('/home/me/shop', folders, path.posix));
    assert.ok(isInside('/home/me/shop/.venv/bin/python', folders, path.posix));
    assert.ok(isInside('/home/me/shop/../shop/x', folders, path.posix));
    assert.ok(!isInside('/home/me/shop2/bin/python', folders, path.posix));
    assert.ok(!isInside('/usr/bin/python3', folders, path.posix));
    assert.ok(!isInside('/usr/bin/python3', [], path.posix));
  });
  it('compares Windows paths without regard to case or separators', () => {
    const folders = ['C:\\work\\shop'];
    assert.ok(isInside('c:\\Work\\Shop\\.venv\\Scripts\\python.exe', folders, path.win32));
    assert.ok(!isInside('D:\\work\\shop\\python.exe', folders, path.win32));
  });
});

describe('interpreterAllowed', () => {
  const folders = ['/home/me/shop'];
  it('refuses an interpreter from inside an untrusted workspace', () => {
    assert.equal(
      interpreterAllowed('/home/me/shop/.venv/bin/python', false, folders, path.posix),
      false,
    );
  });
  it('takes one from elsewhere, or any once the workspace is trusted', () => {
    assert.ok(interpreterAllowed('/usr/bin/python3', false, folders, path.posix));
    assert.ok(interpreterAllowed('/home/me/shop/.venv/bin/python', true, folders, path.posix));
    assert.ok(interpreterAllowed('python3', false, [], path.posix));
  });
});
