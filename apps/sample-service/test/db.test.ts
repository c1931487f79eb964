import { databaseUnavailableReason } from "../src/db";

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("databaseUnavailableReason", () => {
  it.each([
    [withCode("connect ECONNREFUSED 10.0.0.1:5432", "ECONNREFUSED"), "database unreachable (ECONNREFUSED)"],
    [withCode("getaddrinfo ENOTFOUND db", "ENOTFOUND"), "database unreachable (ENOTFOUND)"],
    [
      withCode("terminating connection due to administrator command", "57P01"),
      "database unavailable (SQLSTATE 57P01)",
    ],
    [withCode("the database system is starting up", "57P03"), "database unavailable (SQLSTATE 57P03)"],
    [withCode("sorry, too many clients already", "53300"), "database unavailable (SQLSTATE 53300)"],
    [
      withCode("canceling statement due to statement timeout", "57014"),
      "database unavailable (SQLSTATE 57014)",
    ],
    [withCode("connection failure", "08006"), "database connection failed (SQLSTATE 08006)"],
    [withCode('relation "posts" does not exist', "42P01"), "database schema is not migrated (run migrate)"],
    [
      new Error("Connection terminated unexpectedly"),
      "database unavailable (Connection terminated unexpectedly)",
    ],
    [
      new Error("timeout exceeded when trying to connect"),
      "database unavailable (timeout exceeded when trying to connect)",
    ],
    [
      new AggregateError([withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED")]),
      "database unreachable (ECONNREFUSED)",
    ],
  ])("%s -> %s", (err, reason) => {
    expect(databaseUnavailableReason(err)).toBe(reason);
  });

  it.each([
    [withCode('syntax error at or near "SELEC"', "42601")],
    [withCode("duplicate key value violates unique constraint", "23505")],
    [new TypeError("Cannot read properties of undefined")],
    ["not an error"],
  ])("treats %s as a bug, not an outage", (err) => {
    expect(databaseUnavailableReason(err)).toBeUndefined();
  });
});
