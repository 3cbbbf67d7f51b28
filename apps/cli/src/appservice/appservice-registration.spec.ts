import { newRegistration, registrationYaml } from './appservice-registration';

describe('application-service registration', () => {
  it("has fresh random tokens, the server's users (dots escaped) and the keys-api url", () => {
    const a = newRegistration('example.org', 'http://127.0.0.1:8080');
    const b = newRegistration('example.org', 'http://127.0.0.1:8080');
    expect(a.asToken).toMatch(/^[0-9a-f]{48}$/);
    expect(a.hsToken).not.toBe(a.asToken);
    expect(a.hsToken).not.toBe(b.hsToken);
    expect(a.userRegex).toBe('@.*:example\\.org');
    expect(new RegExp(`^${a.userRegex}$`).test('@alice:example.org')).toBe(true);
    expect(new RegExp(`^${a.userRegex}$`).test('@alice:exampleXorg')).toBe(false);
  });

  it('writes YAML with every field the homeserver needs', () => {
    const fixed = newRegistration('hs.local', 'http://keys:8080', (n) => Buffer.alloc(n, 1));
    const yaml = registrationYaml(fixed);
    for (const line of [
      'id: "e2ee-keyserver"',
      'url: "http://keys:8080"',
      `hs_token: "${'01'.repeat(24)}"`,
      'sender_localpart: "_e2ee_keyserver"',
      'rate_limited: false',
      '      regex: "@.*:hs\\\\.local"',
      '      regex: "!.*"',
    ]) {
      expect(yaml.split('\n')).toContain(line);
    }
  });
});
