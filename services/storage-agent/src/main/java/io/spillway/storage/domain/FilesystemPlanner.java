package io.spillway.storage.domain;

import java.nio.file.Path;

/**
 * Decides what one site's storage-agent does with a filesystem request: requests for other sites are not its
 * business, a valid name becomes a directory under the site's root, an invalid one is refused.
 */
public final class FilesystemPlanner {

    private final String site;
    private final FilesystemLayout layout;

    public FilesystemPlanner(String site, FilesystemLayout layout) {
        this.site = site;
        this.layout = layout;
    }

    /**
     * The decision for a request to provide {@code filesystem} at {@code requestedSite}.
     *
     * @throws FilesystemException when the request is for this site but the name is not a valid filesystem name
     */
    public Decision plan(String requestedSite, String filesystem) {
        if (!site.equals(requestedSite)) {
            return new Decision.NotThisSite(requestedSite);
        }
        FilesystemName name = FilesystemName.of(filesystem);
        return new Decision.Provide(name, layout.directoryOf(name));
    }

    public FilesystemLayout layout() {
        return layout;
    }

    /** What to do with a request. */
    public sealed interface Decision {

        /** Another site's storage-agent answers this request. */
        record NotThisSite(String site) implements Decision {
        }

        /** Make sure {@code directory} exists, catalogue it and answer that the filesystem is ready. */
        record Provide(FilesystemName name, Path directory) implements Decision {
        }
    }
}
