/**
 * Minimum-cost assignment (the Hungarian method in its shortest-augmenting-path form, O(n²·m)):
 * each of `rows` rows gets a distinct column, `rows ≤ columns`, minimising the summed cost. Costs are
 * row-major in `costs`; a pair that is not allowed is given `FORBIDDEN` (a large finite number, so
 * the dual arithmetic stays finite) and callers make sure every row has an allowed column (a per-row
 * "leave unassigned" column, for instance).
 */
export const FORBIDDEN = 1e15

/** The optimal dual potentials: cost[r][c] − rows[r] − columns[c] ≥ 0, with equality on the assigned pairs. */
export interface AssignmentDuals {
  rows: Float64Array
  columns: Float64Array
}

export function solveAssignment (costs: Float64Array, rows: number, columns: number, duals?: AssignmentDuals): Int32Array {
  if (rows > columns) throw new RangeError(`assignment needs rows (${rows}) ≤ columns (${columns})`)
  if (costs.length !== rows * columns) throw new RangeError('costs length must be rows × columns')
  const u = new Float64Array(rows + 1)
  const v = new Float64Array(columns + 1)
  const owner = new Int32Array(columns + 1) // column → row (1-based), 0 = free
  const way = new Int32Array(columns + 1)
  const minv = new Float64Array(columns + 1)
  const used = new Uint8Array(columns + 1)

  for (let row = 1; row <= rows; row++) {
    owner[0] = row
    let column0 = 0
    minv.fill(Infinity)
    used.fill(0)
    do {
      used[column0] = 1
      const row0 = owner[column0] as number
      const base = (row0 - 1) * columns - 1
      const u0 = u[row0] as number
      let delta = Infinity
      let column1 = 0
      for (let column = 1; column <= columns; column++) {
        if (used[column] === 1) continue
        const reduced = (costs[base + column] as number) - u0 - (v[column] as number)
        if (reduced < (minv[column] as number)) {
          minv[column] = reduced
          way[column] = column0
        }
        if ((minv[column] as number) < delta) {
          delta = minv[column] as number
          column1 = column
        }
      }
      for (let column = 0; column <= columns; column++) {
        if (used[column] === 1) {
          u[owner[column] as number] += delta
          v[column] -= delta
        } else {
          minv[column] -= delta
        }
      }
      column0 = column1
    } while (owner[column0] !== 0)
    do {
      const column1 = way[column0] as number
      owner[column0] = owner[column1] as number
      column0 = column1
    } while (column0 !== 0)
  }

  if (duals !== undefined) {
    duals.rows.set(u.subarray(1))
    duals.columns.set(v.subarray(1))
  }
  const assignment = new Int32Array(rows).fill(-1)
  for (let column = 1; column <= columns; column++) {
    const row = owner[column] as number
    if (row !== 0) assignment[row - 1] = column - 1
  }
  return assignment
}
