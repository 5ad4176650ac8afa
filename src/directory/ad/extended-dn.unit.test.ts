import { describe, expect, it } from 'vitest';
import { parseExtendedDn } from './extended-dn.js';

// Values as Samba 4.17 returned them for DirSync with the Extended DN control (flag 1 and flag 0).
describe('parseExtendedDn (MS-ADTS 3.1.1.3.4.1.5)', () => {
  it('reads the string form', () => {
    expect(
      parseExtendedDn(
        '<GUID=A2531756-f93d-491f-a904-037814424768>;<SID=S-1-5-21-3313161573-3940754896-1204838638-1103>;CN=bob,OU=X,DC=corp,DC=example,DC=test',
      ),
    ).toEqual({
      guid: 'a2531756-f93d-491f-a904-037814424768',
      sid: 'S-1-5-21-3313161573-3940754896-1204838638-1103',
      dn: 'CN=bob,OU=X,DC=corp,DC=example,DC=test',
    });
  });

  it('reads the hexadecimal form (GUID bytes in wire order, binary SID)', () => {
    expect(
      parseExtendedDn(
        '<GUID=561753a23df91f49a904037814424768>;<SID=01050000000000051500000065d57ac5d025e3eaee60d0474f040000>;CN=bob,OU=X,DC=corp,DC=example,DC=test',
      ),
    ).toEqual({
      guid: 'a2531756-f93d-491f-a904-037814424768',
      sid: 'S-1-5-21-3313161573-3940754896-1204838638-1103',
      dn: 'CN=bob,OU=X,DC=corp,DC=example,DC=test',
    });
  });

  it('copes with objects without a SID, plain DNs and DNs that contain ; or <', () => {
    expect(parseExtendedDn('<GUID=d4ef6331-16af-4b8e-874e-4e95f2538de6>;OU=X,DC=corp')).toEqual({
      guid: 'd4ef6331-16af-4b8e-874e-4e95f2538de6',
      dn: 'OU=X,DC=corp',
    });
    expect(parseExtendedDn('CN=a;b,DC=corp')).toEqual({ dn: 'CN=a;b,DC=corp' });
    expect(parseExtendedDn('<GUID=d4ef6331-16af-4b8e-874e-4e95f2538de6>;CN=\\<x>;y,DC=corp').dn).toBe('CN=\\<x>;y,DC=corp');
    expect(parseExtendedDn('<GUID=d4ef6331-16af-4b8e-874e-4e95f2538de6>')).toEqual({ guid: 'd4ef6331-16af-4b8e-874e-4e95f2538de6', dn: '' });
  });

  it('refuses a GUID it cannot read', () => {
    expect(() => parseExtendedDn('<GUID=nope>;CN=x')).toThrow(/GUID/);
  });
});
