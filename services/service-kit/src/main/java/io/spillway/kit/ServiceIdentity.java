package io.spillway.kit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.spillway.schemas.CloudEvent;

/** Which service this is and at which site it runs; the CloudEvents source of everything it emits. */
@ApplicationScoped
public class ServiceIdentity {

    private final String site;
    private final String service;

    public ServiceIdentity(@ConfigProperty(name = "spillway.site", defaultValue = "onprem") String site,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.site = site;
        this.service = service;
    }

    public String site() {
        return site;
    }

    public String service() {
        return service;
    }

    /** {@code /sites/<site>/<service>}. */
    public String source() {
        return CloudEvent.source(site, service);
    }
}
