import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Textual patches applied to the copy of FerretDB's module source before `go build`.
 * Bump FERRETDB_PATCH_LEVEL whenever PATCHES change: it is part of the binary's file name, so a
 * machine with an older cached build builds again instead of running the old binary.
 */
export const FERRETDB_PATCH_LEVEL = 'p2';

interface SourcePatch {
  readonly file: string;
  readonly why: string;
  readonly needle: string;
  readonly replacement: string;
}

const PATCHES: readonly SourcePatch[] = [
  {
    // The SQLite backend pushes `{_id: v}` (find, update, replace, upsert, delete) down as
    // `_ferretdb_sjson->'$._id' = ?`, but the unique `_id_` index every collection gets is on
    // `_ferretdb_sjson->"_id"`. SQLite uses an expression index only when the query's expression
    // is the same tree, so every by-id operation was a full table scan. `->'_id'` returns the same
    // value as `->'$._id'` (a bare label means `$.label`) and is the same tree as the index (its
    // "_id" resolves to the string '_id'), so the existing index of every collection, including
    // those made by an unpatched build, serves it: SEARCH ... USING INDEX, no new index needed.
    file: 'internal/backends/sqlite/metadata/metadata.go',
    why: '_id equality must use the _id_ index',
    needle: `IDColumn = DefaultColumn + "->'$._id'"`,
    replacement: `IDColumn = DefaultColumn + "->'_id'"`,
  },
  {
    // The `_id` pushdown above applied only when `_id` was the filter's only key, so a filter of
    // `_id` plus a condition (the projections' position guard: `{_id, $or: [{'_meta.offset': {$lt}}]}`)
    // read the collection in table order until a document matched: fast for early documents, a
    // full scan for late ones and whenever nothing matches (742 ms per guarded replace at 5,000
    // documents; bench/projection-writes.bench.ts). The backend may apply a filter partially: every
    // handler filters the documents it gets again (common.FilterIterator / FilterDocument), so
    // narrowing to the `_id` whenever the filter has one is safe.
    file: 'internal/backends/sqlite/collection.go',
    why: '_id equality must use the _id_ index also beside other conditions',
    needle: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause`,
    replacement: `	if params.Filter.Len() >= 1 { // patched: was == 1
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause`,
  },
  {
    // updateOne/replaceOne/findAndModify read their one document through LimitIterator(1), then
    // write while that SQLite read statement is still open (it never stepped to its end). In WAL
    // mode a checkpoint cannot finish while a reader is open, and the WAL only restarts from its
    // beginning after a finished checkpoint, so with every write overlapping its own read the WAL
    // grew without bound (572 MB beside a 24 MB database). Closing the source once the limit is
    // reached ends the read before the write (deleteOne already does that in msg_delete.go).
    file: 'internal/handler/common/limit_iterator.go',
    why: 'end the read transaction before the write of a limited update',
    needle: `		return unused, nil, iterator.ErrIteratorDone
	}

	return iter.iter.Next()
}`,
    replacement: `		return unused, nil, iterator.ErrIteratorDone
	}

	_, doc, err := iter.iter.Next()
	if n+1 == iter.limit {
		iter.iter.Close() // patched: the last allowed document; release the read transaction now
	}

	return unused, doc, err
}`,
  },
];

/** Applies PATCHES to the module copy at srcDir; throws when a needle is not found exactly once. */
export function patchFerretDbSource(srcDir: string): void {
  for (const p of PATCHES) {
    const path = join(srcDir, p.file);
    const text = readFileSync(path, 'utf8');
    const count = text.split(p.needle).length - 1;
    // Loud on purpose: a FerretDB upgrade that moved the code must not build an unpatched binary.
    if (count !== 1) throw new Error(`FerretDB patch "${p.why}": expected the text ${JSON.stringify(p.needle)} once in ${p.file}, found it ${count} times`);
    writeFileSync(path, text.replace(p.needle, p.replacement));
  }
}
