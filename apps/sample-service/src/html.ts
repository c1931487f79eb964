const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Post titles are user input: escape everything that reaches the page (text and attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export interface IndexPageProps {
  readonly name: string;
  readonly version: string;
  readonly gitSha: string;
  readonly hostname: string;
  /** Newest first; undefined when the database could not be read. */
  readonly posts?: readonly { readonly id: number; readonly title: string; readonly createdAt: Date }[];
}

/** The page a `curl` loop watches during a deploy: the `<h1>` names the build that answered. */
export function renderIndexPage(props: IndexPageProps): string {
  const title = escapeHtml(`${props.name} ${props.version}`);
  let body: string;
  if (props.posts === undefined) {
    body = '<p class="error">Posts are unavailable: the database cannot be reached.</p>';
  } else if (props.posts.length === 0) {
    body = "<p>No posts yet.</p>";
  } else {
    const items = props.posts.map(
      (p) =>
        `    <li id="post-${p.id}">${escapeHtml(p.title)} <time datetime="${p.createdAt.toISOString()}">` +
        `${p.createdAt.toISOString()}</time></li>`,
    );
    body = `<ul>\n${items.join("\n")}\n  </ul>`;
  }
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title}</title>
</head>
<body>
  <h1>${title}</h1>
  <p>git ${escapeHtml(props.gitSha)} on ${escapeHtml(props.hostname)}</p>
  ${body}
</body>
</html>
`;
}
