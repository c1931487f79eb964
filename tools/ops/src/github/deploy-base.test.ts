import { chooseDeployBase } from "./deploy-base";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

describe("chooseDeployBase", () => {
  it("takes the newest successful deploy that is still in HEAD's history", () => {
    expect(chooseDeployBase([A, B], C, (s) => s !== A)).toBe(B);
  });
  it("falls back to the push's before commit", () => {
    expect(chooseDeployBase([], C, () => true)).toBe(C);
  });
  it("deploys everything when nothing is known (first push, new branch)", () => {
    expect(chooseDeployBase([], "0".repeat(40), () => true)).toBeUndefined();
    expect(chooseDeployBase([A], undefined, () => false)).toBeUndefined();
  });
});
