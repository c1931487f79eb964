import { analyze, countWords, SUMMARY_MAX_CHARS, summarize } from "./analyze";

describe("countWords", () => {
  it.each([
    ["", 0],
    ["   \n\t ", 0],
    ["one", 1],
    ["Hello, world!", 2],
    ["don't split e-mail or 3.5 apart", 7],
    ["Grüße aus Köln — schön", 4],
    ["-- !! ??", 0],
  ])("%j has %d words", (text, n) => {
    expect(countWords(text)).toBe(n);
  });
});

describe("summarize", () => {
  it("is the first sentence when the content has several", () => {
    expect(summarize({ title: "t", content: "First one. Second one! Third?" })).toBe("First one.");
  });

  it("is the whole content when it is one short sentence without a full stop", () => {
    expect(summarize({ title: "t", content: "  just   a few\nwords  " })).toBe("just a few words");
  });

  it("cuts a long sentence at 25 words with an ellipsis", () => {
    const content = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    const summary = summarize({ title: "t", content });
    expect(summary).toBe(`${Array.from({ length: 25 }, (_, i) => `w${i}`).join(" ")}…`);
  });

  it("never exceeds 200 characters and cuts at a word boundary", () => {
    const content = `${"abcdefghijklmnopqrstuvwxyz ".repeat(20)}end`;
    const summary = summarize({ title: "t", content });
    expect(summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary).toMatch(/z…$/);
  });

  it("falls back to the title when the content has no words", () => {
    expect(summarize({ title: " The title ", content: "" })).toBe("The title");
  });
});

it("analyze counts the content's words and summarizes it", () => {
  expect(analyze({ title: "T", content: "Two words. And three more." })).toEqual({
    wordCount: 5,
    summary: "Two words.",
  });
});
