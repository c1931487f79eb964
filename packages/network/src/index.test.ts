import { x } from "./index";
test("x", () => { expect(x).toBe(1); });
