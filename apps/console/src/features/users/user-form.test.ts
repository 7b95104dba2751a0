import { describe, expect, it } from "vitest";
import { EMPTY_NEW_USER, validateNewPassword, validateNewUser } from "./user-form";

describe("validateNewUser", () => {
  it("answers the REST body with the username as the manager stores it", () => {
    expect(
      validateNewUser({ username: " Alice ", password: "correct horse battery", role: "operator" }),
    ).toEqual({ body: { username: "alice", password: "correct horse battery", role: "operator" } });
  });

  it("gives the shared schema's message for each field in error", () => {
    expect(validateNewUser(EMPTY_NEW_USER).errors).toEqual({
      username: "Username is required",
      password: "Password must have at least 12 characters",
    });
    expect(
      validateNewUser({ ...EMPTY_NEW_USER, username: "-bad name", password: "x".repeat(12) }).errors
        ?.username,
    ).toMatch(/letters, digits/);
  });
});

describe("validateNewPassword", () => {
  it("applies the password policy", () => {
    expect(validateNewPassword("short")).toBe("Password must have at least 12 characters");
    expect(validateNewPassword("long enough now")).toBeUndefined();
  });
});
