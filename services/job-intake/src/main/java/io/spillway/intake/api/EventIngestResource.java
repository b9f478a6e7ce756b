package io.spillway.intake.api;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.spillway.intake.auth.Audited;
import io.spillway.intake.auth.CurrentCaller;
import io.spillway.intake.config.IntakeConfig;
import io.spillway.intake.domain.Caller;
import io.spillway.intake.domain.IngestPolicy;
import io.spillway.intake.domain.SubmitPolicy;
import io.spillway.intake.domain.Violation;
import io.spillway.intake.persistence.IngestRepository;
import io.spillway.intake.persistence.JobRepository;
import io.spillway.intake.persistence.ProjectRepository;
import io.spillway.intake.scheduler.SchedulerClient;
import io.spillway.kit.TraceContext;
import io.spillway.kit.security.Roles;
import io.spillway.schemas.CloudEvent;
import io.spillway.schemas.EventCodec;
import io.spillway.schemas.EventContractException;
import io.spillway.schemas.JobEvent;
import io.spillway.schemas.SpillwayEvent;

/**
 * CloudEvents over HTTP from external systems, in binary mode ({@code ce-*} headers, the data as the body) or
 * structured mode ({@code application/cloudevents+json}). Each event is validated against its schema and
 * published unchanged (same id, source and time), once per (source, id).
 */
@RolesAllowed({ Roles.USER, Roles.ADMIN })
@Path("/api/v1/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventIngestResource {

    static final String STRUCTURED = "application/cloudevents+json";

    private final IngestRepository ingest;
    private final IngestPolicy policy;
    private final SubmitPolicy sites;
    private final EventCodec codec = EventCodec.shared();
    private final ObjectMapper mapper = codec.mapper();

    private final CurrentCaller currentCaller;
    private final ProjectRepository projects;
    private final JobRepository jobs;
    private final SchedulerClient schedulers;

    public EventIngestResource(IngestRepository ingest, CurrentCaller currentCaller, ProjectRepository projects,
            JobRepository jobs, SchedulerClient schedulers, IntakeConfig config) {
        this.ingest = ingest;
        this.sites = new SubmitPolicy(config.defaultSite(), config.gpuFractionStep(), config.allowedMountRoots(),
                schedulers.sites().keySet());
        this.currentCaller = currentCaller;
        this.projects = projects;
        this.jobs = jobs;
        this.schedulers = schedulers;
        this.policy = new IngestPolicy(config.ingestTypes());
    }

    /** The answer to a post: what was accepted, and whether it was new. */
    public record Accepted(String id, String source, String type, String subject, boolean duplicate) {
    }

    @Audited("event.post")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Post a CloudEvent in binary mode", description = "ce-id, ce-source, ce-type and"
            + " ce-specversion headers; the event's data as the JSON body.")
    public Uni<Response> binary(byte[] body, @HeaderParam("ce-id") String id, @HeaderParam("ce-source") String source,
            @HeaderParam("ce-type") String type, @HeaderParam("ce-specversion") String specVersion,
            @HeaderParam("ce-subject") String subject, @HeaderParam("ce-time") String time) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("id", id);
        attributes.put("source", source);
        attributes.put("type", type);
        attributes.put("specversion", specVersion);
        attributes.put("subject", subject);
        attributes.put("time", time);
        return accept(attributes, "ce-", body);
    }

    @Audited("event.post")
    @POST
    @Consumes(STRUCTURED)
    @Operation(summary = "Post a CloudEvent in structured mode", description = "The whole event as"
            + " application/cloudevents+json, its data as a JSON object in 'data'.")
    public Uni<Response> structured(byte[] body) {
        JsonNode event;
        try {
            event = mapper.readTree(body);
        } catch (IOException e) {
            throw new InvalidRequestException(List.of(new Violation("body", "is not valid JSON")));
        }
        if (event == null || !event.isObject()) {
            throw new InvalidRequestException(List.of(new Violation("body", "must be a CloudEvent JSON object")));
        }
        if (event.has("data_base64")) {
            throw new InvalidRequestException(List.of(new Violation("data_base64",
                    "is not supported: Spillway events carry JSON in 'data'")));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : List.of("id", "source", "type", "specversion", "subject", "time")) {
            JsonNode value = event.get(name);
            attributes.put(name, value == null || value.isNull() ? null : value.asText());
        }
        JsonNode data = event.get("data");
        try {
            return accept(attributes, "", data == null ? null : mapper.writeValueAsBytes(data));
        } catch (IOException e) {
            throw new InvalidRequestException(List.of(new Violation("data", "cannot be read")));
        }
    }

    private Uni<Response> accept(Map<String, String> attributes, String prefix, byte[] data) {
        List<Violation> violations = new ArrayList<>();
        for (String required : List.of("id", "source", "type", "specversion")) {
            String value = attributes.get(required);
            if (value == null || value.isBlank()) {
                violations.add(new Violation(prefix + required, "is required"));
            }
        }
        String specVersion = attributes.get("specversion");
        if (specVersion != null && !specVersion.equals(CloudEvent.SPEC_VERSION)) {
            violations.add(new Violation(prefix + "specversion", "must be 1.0, got " + specVersion));
        }
        String type = attributes.get("type");
        if (type != null && !policy.accepts(type)) {
            violations.add(new Violation(prefix + "type", "'" + type + "' is not accepted from external systems;"
                    + " accepted types are " + policy.acceptedCeTypes()));
        }
        OffsetDateTime time = null;
        if (attributes.get("time") != null) {
            try {
                time = OffsetDateTime.parse(attributes.get("time"));
            } catch (DateTimeParseException e) {
                violations.add(new Violation(prefix + "time", "must be an RFC 3339 timestamp"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        SpillwayEvent event;
        try {
            event = codec.decode(type, data);
        } catch (EventContractException e) {
            throw new InvalidRequestException(List.of(new Violation("data", e.getMessage())));
        }
        String subject = attributes.get("subject");
        if (subject != null && !subject.equals(event.subject())) {
            throw new InvalidRequestException(List.of(new Violation(prefix + "subject", "must be the id of the"
                    + " entity the event is about, '" + event.subject() + "'")));
        }
        CloudEvent cloudEvent = new CloudEvent(attributes.get("id"), attributes.get("source"),
                time == null ? OffsetDateTime.now(ZoneOffset.UTC) : time, TraceContext.current(), event);
        return authorize(event).chain(() -> ingest.accept(cloudEvent)).map(created -> Response
                .status(created ? Response.Status.ACCEPTED : Response.Status.OK)
                .entity(new Accepted(cloudEvent.id(), cloudEvent.source(), cloudEvent.type(), cloudEvent.subject(),
                        !created))
                .build());
    }

    /**
     * A project's token may post about its own project's jobs; events about anything else (snapshots) need an admin
     * token. A job submitted this way must name a project that exists.
     */
    private Uni<Void> authorize(SpillwayEvent event) {
        Caller caller = currentCaller.get();
        if (event instanceof JobEvent.JobSubmitted submitted) {
            if (!sites.knowsSite(submitted.site())) {
                throw new InvalidRequestException(List.of(new Violation("data.site", "no site '" + submitted.site()
                        + "' in this cluster; its sites are " + sites.siteNames())));
            }
            String project = submitted.spec().project();
            return schedulers.shape().invoke(shape -> shape.ifPresent(cluster -> {
                List<Violation> never = cluster.neverRunnable(submitted.spec());
                if (!never.isEmpty()) {
                    throw new InvalidRequestException(never.stream()
                            .map(violation -> new Violation("data.spec." + violation.field(), violation.message()))
                            .toList());
                }
            })).chain(() -> projects.find(project)).invoke(found -> {
                if (found.isEmpty()) {
                    throw new InvalidRequestException(List.of(new Violation("data.spec.project",
                            "unknown project '" + project + "'")));
                }
                if (!caller.mayAccess(project)) {
                    throw new ForbiddenException("the token of project " + caller.project()
                            + " cannot submit jobs to project " + project);
                }
            }).replaceWithVoid();
        }
        if (event instanceof JobEvent.JobCancelled cancelled) {
            if (caller.admin()) {
                return Uni.createFrom().voidItem();
            }
            return jobs.findSummary(cancelled.jobId()).invoke(job -> {
                if (job.isEmpty() || !caller.mayAccess(job.get().project())) {
                    throw new NotFoundException("no job with id " + cancelled.jobId());
                }
            }).replaceWithVoid();
        }
        if (!caller.admin()) {
            throw new ForbiddenException("an event of type " + event.getClass().getSimpleName() + " needs an admin"
                    + " token; the token '" + caller.tokenName() + "' belongs to project " + caller.project());
        }
        return Uni.createFrom().voidItem();
    }
}
