import { escapeTemplate, IPV4_CIDR, PropErrors } from "./validation";

describe("escapeTemplate", () => {
  it("escapes literal template sequences but leaves cdktf token markers alone", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: literal template text on purpose (escaping test)
    expect(escapeTemplate("a ${b} %{c} ${TfToken[TOKEN.1]}")).toBe("a $${b} %%{c} ${TfToken[TOKEN.1]}");
    expect(escapeTemplate("plain $HOME")).toBe("plain $HOME");
  });
});

describe("PropErrors", () => {
  const errors = new PropErrors("Thing");
  it("names the construct, the prop and the allowed range", () => {
    expect(() => errors.integer("port", 0, 1, 65535)).toThrow(
      "Thing: port 0 is invalid: use an integer from 1 to 65535",
    );
    expect(() => errors.integer("port", 1.5, 1, 65535)).toThrow(/port 1.5/);
    expect(() => errors.oneOf("kind", "c", ["a", "b"])).toThrow('Thing: kind "c" is invalid; allowed: a, b');
  });
});

describe("IPV4_CIDR", () => {
  it.each(["0.0.0.0/0", "10.0.0.0/16", "192.168.1.1/32"])("accepts %s", (c) =>
    expect(IPV4_CIDR.test(c)).toBe(true),
  );
  it.each(["10.0.0.0", "256.0.0.0/8", "10.0.0.0/33", "::/0"])("rejects %s", (c) =>
    expect(IPV4_CIDR.test(c)).toBe(false),
  );
});
