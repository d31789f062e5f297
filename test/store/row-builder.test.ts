import Database from 'better-sqlite3';
import { rowBuilder } from '../../src/store/sqlite/row-builder';

describe('rowBuilder', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, n REAL, big INTEGER);
           INSERT INTO t VALUES (1, '张三 "引号" \\', x'00ff', 1.5, 9007199254740991), (2, NULL, NULL, NULL, NULL);
           CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO u VALUES (1, '李四');`);

  const viaBuilder = (sql: string) => {
    const stmt = db.prepare(sql).raw(true);
    const build = rowBuilder(stmt.columns().map((c) => c.name));
    return (stmt.all() as unknown[][]).map(build);
  };

  it.each([
    ['every column type and NULLs', 'SELECT * FROM t ORDER BY id'],
    ['aliases and expressions', "SELECT id AS \"weird key'\\\", name || '!' AS \"名字\", 1 + 1 AS two FROM t ORDER BY id"],
    ['a repeated column name (the last one wins)', 'SELECT t.*, u.name, u.id FROM t JOIN u ON u.id = t.id'],
  ])('when a row has %s, then the object equals better-sqlite3 own row object', (_label, sql) => {
    expect(viaBuilder(sql)).toEqual(db.prepare(sql).all());
  });

  it('when a repeated name occurs, then it is one key, with the later column value', () => {
    const [row] = viaBuilder("SELECT 1 AS a, 2 AS b, 3 AS a");
    expect(row).toEqual({ a: 3, b: 2 });
    expect(Object.keys(row)).toEqual(['a', 'b']);
  });

  it('when a column is named __proto__, then it is refused rather than setting the prototype', () => {
    expect(() => rowBuilder(['id', '__proto__'])).toThrow(/__proto__/);
  });
});
