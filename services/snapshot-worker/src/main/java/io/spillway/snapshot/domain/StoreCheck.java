package io.spillway.snapshot.domain;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a chunk store found when it checked itself, before any manifest is read: which chunks it can hand out, which
 * it cannot and why.
 *
 * @param packsChecked packs an index names that were found (and read whole, when data was read)
 * @param chunksChecked index entries checked: each chunk once per copy the indexes place
 * @param bytesRead bytes of pack data read
 * @param indexed every chunk some index places in some pack, sound or not
 * @param problems what is damaged, in the order found
 * @param unusable the chunks with no sound copy, each with the problem that makes it so (one problem is shared by
 *        every chunk of a missing pack)
 * @param unindexedPacks packs no index names: a crashed upload's or a snapshot's still uploading; not damage,
 *        garbage collection deletes them once older than its grace
 */
public record StoreCheck(long packsChecked, long chunksChecked, long bytesRead, Set<String> indexed,
        List<CheckProblem> problems, Map<String, CheckProblem> unusable, List<String> unindexedPacks) {

    public StoreCheck {
        indexed = Set.copyOf(indexed);
        problems = List.copyOf(problems);
        unusable = Map.copyOf(unusable);
        unindexedPacks = List.copyOf(unindexedPacks);
    }
}
