import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { COMMENT_LIMIT, planCommentBody, stickyMarker, upsertStickyComment } from "./sticky-comment";

describe("planCommentBody", () => {
  it("starts with the environment's marker and keeps the summary's top when cut", () => {
    const top = "## Terraform plan: `prod`\n\n> **2 to replace**: `aws_db_instance.main`\n";
    const body = planCommentBody("prod", top + "x".repeat(COMMENT_LIMIT * 2), "run 1");
    expect(body.startsWith(`${stickyMarker("prod")}\n## Terraform plan`)).toBe(true);
    expect(body).toContain("aws_db_instance.main");
    expect(body).toContain("truncated");
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.endsWith("run 1\n")).toBe(true);
  });
});

/**
 * A stand-in for GitHub's issue-comments REST API on loopback (GitHub itself is unreachable from tests):
 * enough to prove create-then-update, pagination and the marker match.
 */
describe("upsertStickyComment", () => {
  let server: Server;
  let url: string;
  const comments: Array<{ id: number; body: string }> = [];
  const seen: string[] = [];

  beforeAll(async () => {
    for (let i = 1; i <= 130; i++) comments.push({ id: i, body: `chatter ${i}` });
    server = createServer(async (req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const u = new URL(req.url ?? "/", "http://x");
      res.setHeader("Content-Type", "application/json");
      if (req.headers.authorization !== "Bearer t0k") return res.writeHead(401).end("{}");
      if (req.method === "GET" && u.pathname === "/repos/o/r/issues/7/comments") {
        const page = Number(u.searchParams.get("page"));
        const per = Number(u.searchParams.get("per_page"));
        return res.end(JSON.stringify(comments.slice((page - 1) * per, page * per)));
      }
      if (req.method === "POST" && u.pathname === "/repos/o/r/issues/7/comments") {
        const c = { id: 1000 + comments.length, body: JSON.parse(raw).body as string };
        comments.push(c);
        return res.writeHead(201).end(JSON.stringify(c));
      }
      const m = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(u.pathname);
      if (req.method === "PATCH" && m) {
        const c = comments.find((x) => x.id === Number(m[1]));
        if (!c) return res.writeHead(404).end("{}");
        c.body = JSON.parse(raw).body;
        return res.end(JSON.stringify(c));
      }
      res.writeHead(404).end("{}");
      return undefined;
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("creates one comment per environment, then edits it in place", async () => {
    const target = { apiUrl: url, token: "t0k", repository: "o/r", issueNumber: 7 };
    const first = await upsertStickyComment(target, stickyMarker("dev"), `${stickyMarker("dev")}\nplan 1`);
    const other = await upsertStickyComment(target, stickyMarker("prod"), `${stickyMarker("prod")}\nplan 1`);
    const second = await upsertStickyComment(target, stickyMarker("dev"), `${stickyMarker("dev")}\nplan 2`);
    expect([first.action, other.action, second.action]).toEqual(["created", "created", "updated"]);
    expect(second.id).toBe(first.id);
    expect(comments.filter((c) => c.body.includes(stickyMarker("dev"))).map((c) => c.body)).toEqual([
      `${stickyMarker("dev")}\nplan 2`,
    ]);
    // The marked comment sits on page 2 (130 earlier comments): found by paging, not re-created.
    expect(seen).toContain("GET /repos/o/r/issues/7/comments?per_page=100&page=2");
  });

  it("refuses a body without its marker", async () => {
    const target = { apiUrl: url, token: "t0k", repository: "o/r", issueNumber: 7 };
    await expect(upsertStickyComment(target, stickyMarker("dev"), "no marker")).rejects.toThrow(/marker/);
  });

  it("reports GitHub's refusal with the status", async () => {
    const target = { apiUrl: url, token: "wrong", repository: "o/r", issueNumber: 7 };
    await expect(upsertStickyComment(target, stickyMarker("dev"), stickyMarker("dev"))).rejects.toThrow(
      /HTTP 401/,
    );
  });
});
