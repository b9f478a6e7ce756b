package io.spillway.scheduler;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one Kubernetes API request needs from RBAC, by the API server's own rules: an API group, a resource (with its
 * subresource, as {@code pods/log}), a verb, and whether a Role (namespaced) or only a ClusterRole can grant it.
 *
 * @param namespaced whether the request names a namespace, so a Role in that namespace can grant it
 * @param apiGroup {@code ""} for the core group
 * @param resource the resource, or {@code resource/subresource}
 */
public record KubernetesPermission(boolean namespaced, String apiGroup, String resource, String verb) {

    /** Orders permissions as a reader would look for them in a list. */
    public static final Comparator<KubernetesPermission> READING_ORDER = Comparator
            .comparing(KubernetesPermission::toString);
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /**
     * The permission an API request needs: GET of an item is get, of a collection list, with {@code watch=true} watch;
     * POST create, PUT update, PATCH patch; DELETE of an item delete, of a collection deletecollection.
     *
     * @param pathAndQuery as the request line has it, {@code /api/v1/namespaces/ns/pods?watch=true}
     * @throws IllegalArgumentException for a request outside {@code /api} and {@code /apis} (discovery, {@code /version}:
     *         those need nonResourceURLs rules, which this check does not cover), or a method RBAC has no verb for
     */
    public static KubernetesPermission of(String method, String pathAndQuery) {
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
        List<String> segments = Arrays.stream(path.split("/")).filter(segment -> !segment.isEmpty()).toList();
        String apiGroup;
        List<String> rest;
        if (segments.size() >= 3 && segments.get(0).equals("api")) {
            apiGroup = "";
            rest = segments.subList(2, segments.size());
        } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
            apiGroup = segments.get(1);
            rest = segments.subList(3, segments.size());
        } else {
            throw new IllegalArgumentException("not a resource request: " + method + " " + pathAndQuery);
        }
        // The deprecated /watch/ prefix: a watch, whatever the query says.
        boolean watch = rest.get(0).equals("watch") || watchQuery(query);
        if (rest.get(0).equals("watch")) {
            rest = rest.subList(1, rest.size());
        }
        // /namespaces/<ns>/<resource>... is namespaced; /namespaces, /namespaces/<ns> and its status and finalize
        // subresources are the Namespace itself, as the API server's request info reads them.
        boolean namespaced = rest.size() >= 3 && rest.get(0).equals("namespaces")
                && !NAMESPACE_SUBRESOURCES.contains(rest.get(2));
        if (namespaced) {
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("no resource in " + method + " " + pathAndQuery);
        }
        boolean item = rest.size() >= 2;
        // Anything past the subresource (a proxy's path) is still that subresource.
        String resource = rest.size() >= 3 ? rest.get(0) + "/" + rest.get(2) : rest.get(0);
        return new KubernetesPermission(namespaced, apiGroup, resource, verb(method, item, watch, pathAndQuery));
    }

    private static String verb(String method, boolean item, boolean watch, String pathAndQuery) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> watch ? "watch" : item ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> item ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("no RBAC verb for " + method + " " + pathAndQuery);
        };
    }

    private static boolean watchQuery(String query) {
        return Arrays.stream(query.split("&"))
                .anyMatch(parameter -> parameter.equals("watch=true") || parameter.equals("watch=1"));
    }

    /** As a reader of a Role would say it: {@code watch pods (namespaced)}, {@code list nodes (cluster-wide)}. */
    @Override
    public String toString() {
        return verb + " " + resource + (apiGroup.isEmpty() ? "" : " in API group " + apiGroup)
                + (namespaced ? " (namespaced)" : " (cluster-wide)");
    }
}
