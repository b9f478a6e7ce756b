package io.spillway.system;

/** What a test class started, closed in the order given. */
final class Resources {

    private Resources() {
    }

    /**
     * Closes each resource, skipping those that never started ({@code null}); every one is closed even when an
     * earlier one fails, and the first failure is thrown at the end.
     */
    static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
