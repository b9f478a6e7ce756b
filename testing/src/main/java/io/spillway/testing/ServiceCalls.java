package io.spillway.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * Calls to a service under test as another service makes them: with the service credential that
 * {@link PlatformTestResource} configures. A test of what an anonymous or a wrong caller gets uses
 * {@link RestAssured#given()} instead.
 */
public final class ServiceCalls {

    /** The service credential of every service under test (never of a real deployment). */
    public static final String TOKEN = "spw_test-service-credential";

    private ServiceCalls() {
    }

    /** A request that carries the service credential. */
    public static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + TOKEN);
    }
}
