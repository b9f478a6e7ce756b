package io.spillway.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each request maps to the RBAC permission the API server would ask for, by Kubernetes' own rules. */
class KubernetesPermissionTest {

    @ParameterizedTest(name = "{0} {1} needs {4} {3}")
    @CsvSource(delimiter = '|', value = {
            "GET    | /api/v1/namespaces/jobs/pods/p-0                                  | true  | pods                 | get",
            "GET    | /api/v1/namespaces/jobs/pods?labelSelector=a%3Db&resourceVersion=0 | true  | pods                 | list",
            "GET    | /api/v1/namespaces/jobs/pods?allowWatchBookmarks=true&watch=true   | true  | pods                 | watch",
            "GET    | /api/v1/namespaces/jobs/pods?watch=1                               | true  | pods                 | watch",
            "GET    | /api/v1/watch/namespaces/jobs/pods                                 | true  | pods                 | watch",
            "GET    | /api/v1/namespaces/jobs/pods?watch=false                           | true  | pods                 | list",
            "POST   | /api/v1/namespaces/jobs/pods                                       | true  | pods                 | create",
            "PUT    | /api/v1/namespaces/jobs/pods/p-0                                   | true  | pods                 | update",
            "PATCH  | /api/v1/namespaces/jobs/pods/p-0/status                            | true  | pods/status          | patch",
            "GET    | /api/v1/namespaces/jobs/pods/p-0/log?follow=true                   | true  | pods/log             | get",
            "GET    | /api/v1/namespaces/jobs/pods/p-0/proxy/metrics/x                   | true  | pods/proxy           | get",
            "POST   | /api/v1/namespaces/jobs/pods/p-0/eviction                          | true  | pods/eviction        | create",
            "DELETE | /api/v1/namespaces/jobs/pods/p-0                                   | true  | pods                 | delete",
            "DELETE | /api/v1/namespaces/jobs/pods?labelSelector=spillway.io%2Fjob-id%3Dj | true  | pods                 | deletecollection",
            "GET    | /api/v1/nodes                                                      | false | nodes                | list",
            "GET    | /api/v1/nodes/gpu-a                                                | false | nodes                | get",
            "GET    | /api/v1/pods                                                       | false | pods                 | list",
            "GET    | /api/v1/namespaces                                                 | false | namespaces           | list",
            "GET    | /api/v1/namespaces/jobs                                            | false | namespaces           | get",
            "PUT    | /api/v1/namespaces/jobs/finalize                                   | false | namespaces/finalize  | update",
    })
    void mapsACoreRequestToItsResourceVerbAndScope(String method, String path, boolean namespaced, String resource,
            String verb) {
        assertEquals(new KubernetesPermission(namespaced, "", resource, verb), KubernetesPermission.of(method, path));
    }

    @Test
    void takesTheApiGroupFromAnApisPath() {
        assertEquals(new KubernetesPermission(true, "coordination.k8s.io", "leases", "update"),
                KubernetesPermission.of("PUT", "/apis/coordination.k8s.io/v1/namespaces/spillway/leases/scheduler"));
        assertEquals(new KubernetesPermission(false, "storage.k8s.io", "storageclasses", "list"),
                KubernetesPermission.of("GET", "/apis/storage.k8s.io/v1/storageclasses"));
    }

    @Test
    void refusesRequestsThatNeedNonResourceUrlRules() {
        assertThrows(IllegalArgumentException.class, () -> KubernetesPermission.of("GET", "/version"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesPermission.of("GET", "/apis"));
        assertThrows(IllegalArgumentException.class, () -> KubernetesPermission.of("GET", "/api/v1"));
    }
}
