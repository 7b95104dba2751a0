import { describe, expect, it } from "vitest";
import { formatCell, renderFields, renderTable } from "./render-table.js";

describe("renderTable", () => {
  const columns = [
    { header: "NAME", value: (r: { name: string; port: number | null }) => r.name },
    { header: "PORT", value: (r: { name: string; port: number | null }) => r.port },
  ];

  it("pads columns to their widest cell and leaves no trailing spaces", () => {
    const text = renderTable(
      [
        { name: "realm-a", port: 9000 },
        { name: "b", port: null },
      ],
      columns,
    );
    expect(text.split("\n")).toEqual(["NAME     PORT", "realm-a  9000", "b        -"]);
  });

  it('says "(none)" for no rows', () => {
    expect(renderTable([], columns)).toBe("(none)");
  });

  it("formats booleans, lists and nothing the way operators read them", () => {
    expect(formatCell(true)).toBe("yes");
    expect(formatCell(false)).toBe("no");
    expect(formatCell(["a", "b"])).toBe("a, b");
    expect(formatCell([])).toBe("-");
    expect(formatCell(undefined)).toBe("-");
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });

  it("replaces control characters so a certificate subject cannot move the cursor", () => {
    expect(formatCell("CN=evil\u001b[2J")).toBe("CN=evil?[2J");
  });

  it("aligns key: value fields", () => {
    expect(
      renderFields([
        ["name", "realm-a"],
        ["state", "running"],
        ["pid", null],
      ]),
    ).toBe("name:  realm-a\nstate: running\npid:   -");
  });
});
