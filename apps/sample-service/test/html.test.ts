import { escapeHtml, renderIndexPage } from "../src/html";

describe("escapeHtml", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("leaves other text alone", () => {
    expect(escapeHtml("Grüße, 你好 – 100%")).toBe("Grüße, 你好 – 100%");
  });
});

describe("renderIndexPage", () => {
  const base = { name: "sample-service", version: "1.0.0", gitSha: "abc1234", hostname: "task-1" };

  it("puts name and version in the title and <h1>", () => {
    const html = renderIndexPage({ ...base, posts: [] });
    expect(html).toContain("<title>sample-service 1.0.0</title>");
    expect(html).toContain("<h1>sample-service 1.0.0</h1>");
    expect(html).toContain("git abc1234 on task-1");
  });

  it("lists posts in the given order with escaped titles", () => {
    const createdAt = new Date("2026-01-01T00:00:00Z");
    const html = renderIndexPage({
      ...base,
      posts: [
        { id: 2, title: "<b>bold</b>", createdAt },
        { id: 1, title: "plain", createdAt },
      ],
    });
    expect(html).toContain(
      '<li id="post-2">&lt;b&gt;bold&lt;/b&gt; <time datetime="2026-01-01T00:00:00.000Z">',
    );
    expect(html.indexOf("post-2")).toBeLessThan(html.indexOf("post-1"));
  });

  it("says when posts could not be read", () => {
    expect(renderIndexPage(base)).toContain("Posts are unavailable");
  });
});
