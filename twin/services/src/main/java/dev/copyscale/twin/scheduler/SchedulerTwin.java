package dev.copyscale.twin.scheduler;

import dev.copyscale.schedule.AwsCron;
import dev.copyscale.schedule.ScheduleClock;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.scheduler.SchedulerClient;
import software.amazon.awssdk.services.scheduler.model.ConflictException;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleGroupRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleGroupResponse;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleGroupRequest;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleGroupResponse;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.DeleteScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.FlexibleTimeWindow;
import software.amazon.awssdk.services.scheduler.model.GetScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.GetScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ListScheduleGroupsRequest;
import software.amazon.awssdk.services.scheduler.model.ListScheduleGroupsResponse;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesRequest;
import software.amazon.awssdk.services.scheduler.model.ListSchedulesResponse;
import software.amazon.awssdk.services.scheduler.model.ResourceNotFoundException;
import software.amazon.awssdk.services.scheduler.model.ScheduleGroupSummary;
import software.amazon.awssdk.services.scheduler.model.ScheduleSummary;
import software.amazon.awssdk.services.scheduler.model.SchedulerException;
import software.amazon.awssdk.services.scheduler.model.Target;
import software.amazon.awssdk.services.scheduler.model.TargetSummary;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleRequest;
import software.amazon.awssdk.services.scheduler.model.UpdateScheduleResponse;
import software.amazon.awssdk.services.scheduler.model.ValidationException;

/**
 * EventBridge Scheduler in the twin: schedule groups and cron schedules with their targets, and the
 * firings due in a stretch of virtual time (cron in the schedule's time zone, with Scheduler's
 * daylight-saving rules, through {@link ScheduleClock}). Only cron expressions fire here; rate and
 * at expressions are accepted and stored, as copyscale creates only cron schedules.
 */
public final class SchedulerTwin implements SchedulerClient {
  private static final Pattern NAME = Pattern.compile("^[0-9a-zA-Z-_.]{1,64}$");
  private static final String DEFAULT_GROUP = "default";

  /**
   * Everything the twin's Scheduler holds, as persisted in the world file. Immutable: each change
   * makes a new state ({@link #put}), so readers can keep the one they have.
   */
  public record State(Map<String, Group> groups) {
    public State {
      groups = Collections.unmodifiableMap(new TreeMap<>(groups));
    }

    public static State empty() {
      return new State(
          Map.of(DEFAULT_GROUP, new Group(DEFAULT_GROUP, Instant.EPOCH, new TreeMap<>())));
    }
  }

  public record Group(String name, Instant created, Map<String, Schedule> schedules) {
    public Group {
      schedules = Collections.unmodifiableMap(new TreeMap<>(schedules));
    }
  }

  /** One schedule, in the member names of GetSchedule. */
  public record Schedule(
      String name,
      String groupName,
      String scheduleExpression,
      String scheduleExpressionTimezone,
      String state,
      String description,
      String targetArn,
      String roleArn,
      String input,
      Instant creationDate,
      Instant lastModificationDate) {}

  /** A schedule that fires at {@code at}, delivering {@code input} to {@code targetArn}. */
  public record Firing(
      Instant at, String groupName, String scheduleName, String targetArn, String input) {}

  private final Clock clock;
  private final String region;
  private final String account;
  private State state;

  public SchedulerTwin(Clock clock, String region, String account, State state) {
    this.clock = clock;
    this.region = region;
    this.account = account;
    this.state = state;
  }

  public synchronized State state() {
    return state;
  }

  @Override
  public String serviceName() {
    return "scheduler";
  }

  @Override
  public void close() {}

  private static SchedulerException error(
      SchedulerException.Builder builder, String code, int status, String message) {
    return (SchedulerException)
        builder
            .message(message)
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .serviceName("Scheduler")
                    .build())
            .build();
  }

  private static SchedulerException notFound(String message) {
    return error(ResourceNotFoundException.builder(), "ResourceNotFoundException", 404, message);
  }

  private static SchedulerException conflict(String message) {
    return error(ConflictException.builder(), "ConflictException", 409, message);
  }

  private static SchedulerException invalid(String message) {
    return error(ValidationException.builder(), "ValidationException", 400, message);
  }

  private String groupArn(String group) {
    return "arn:aws:scheduler:" + region + ":" + account + ":schedule-group/" + group;
  }

  private String scheduleArn(String group, String name) {
    return "arn:aws:scheduler:" + region + ":" + account + ":schedule/" + group + "/" + name;
  }

  private Group group(String name) {
    Group group = state.groups().get(name == null ? DEFAULT_GROUP : name);
    if (group == null) {
      throw notFound("Schedule group " + name + " does not exist.");
    }
    return group;
  }

  private void put(Group group) {
    Map<String, Group> groups = new TreeMap<>(state.groups());
    groups.put(group.name(), group);
    state = new State(groups);
  }

  @Override
  public synchronized CreateScheduleGroupResponse createScheduleGroup(
      CreateScheduleGroupRequest request) {
    if (request.name() == null || !NAME.matcher(request.name()).matches()) {
      throw invalid(
          "1 validation error detected: Value '"
              + request.name()
              + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression"
              + " pattern: [0-9a-zA-Z-_.]+");
    }
    if (state.groups().containsKey(request.name())) {
      throw conflict("Schedule group " + request.name() + " already exists.");
    }
    put(new Group(request.name(), clock.instant(), Map.of()));
    return CreateScheduleGroupResponse.builder().scheduleGroupArn(groupArn(request.name())).build();
  }

  @Override
  public synchronized DeleteScheduleGroupResponse deleteScheduleGroup(
      DeleteScheduleGroupRequest request) {
    if (DEFAULT_GROUP.equals(request.name())) {
      throw invalid("The default schedule group cannot be deleted.");
    }
    group(request.name());
    Map<String, Group> groups = new TreeMap<>(state.groups());
    groups.remove(request.name());
    state = new State(groups);
    return DeleteScheduleGroupResponse.builder().build();
  }

  @Override
  public synchronized ListScheduleGroupsResponse listScheduleGroups(
      ListScheduleGroupsRequest request) {
    List<ScheduleGroupSummary> groups =
        state.groups().values().stream()
            .filter(g -> request.namePrefix() == null || g.name().startsWith(request.namePrefix()))
            .map(
                g ->
                    ScheduleGroupSummary.builder()
                        .name(g.name())
                        .arn(groupArn(g.name()))
                        .state("ACTIVE")
                        .creationDate(g.created())
                        .build())
            .toList();
    return ListScheduleGroupsResponse.builder().scheduleGroups(groups).build();
  }

  @Override
  public synchronized CreateScheduleResponse createSchedule(CreateScheduleRequest request) {
    Group group = group(request.groupName());
    if (group.schedules().containsKey(request.name())) {
      throw conflict("Schedule " + request.name() + " already exists.");
    }
    Schedule schedule =
        validated(
            request.name(),
            group.name(),
            request.scheduleExpression(),
            request.scheduleExpressionTimezone(),
            request.stateAsString(),
            request.description(),
            request.target(),
            request.flexibleTimeWindow(),
            Optional.empty());
    Map<String, Schedule> schedules = new TreeMap<>(group.schedules());
    schedules.put(schedule.name(), schedule);
    put(new Group(group.name(), group.created(), schedules));
    return CreateScheduleResponse.builder()
        .scheduleArn(scheduleArn(group.name(), schedule.name()))
        .build();
  }

  @Override
  public synchronized UpdateScheduleResponse updateSchedule(UpdateScheduleRequest request) {
    Group group = group(request.groupName());
    Schedule existing = group.schedules().get(request.name());
    if (existing == null) {
      throw notFound("Schedule " + request.name() + " does not exist.");
    }
    Schedule schedule =
        validated(
            request.name(),
            group.name(),
            request.scheduleExpression(),
            request.scheduleExpressionTimezone(),
            request.stateAsString(),
            request.description(),
            request.target(),
            request.flexibleTimeWindow(),
            Optional.of(existing.creationDate()));
    Map<String, Schedule> schedules = new TreeMap<>(group.schedules());
    schedules.put(schedule.name(), schedule);
    put(new Group(group.name(), group.created(), schedules));
    return UpdateScheduleResponse.builder()
        .scheduleArn(scheduleArn(group.name(), schedule.name()))
        .build();
  }

  private Schedule validated(
      String name,
      String group,
      String expression,
      String timezone,
      String scheduleState,
      String description,
      Target target,
      FlexibleTimeWindow window,
      Optional<Instant> created) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw invalid(
          "1 validation error detected: Value '"
              + name
              + "' at 'name' failed to satisfy constraint: Member must satisfy regular expression"
              + " pattern: [0-9a-zA-Z-_.]+");
    }
    if (window == null || window.modeAsString() == null) {
      throw invalid(
          "1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy"
              + " constraint: Member must not be null");
    }
    if (target == null || target.arn() == null || target.roleArn() == null) {
      throw invalid(
          "1 validation error detected: Value null at 'target' failed to satisfy constraint: Member"
              + " must not be null (Arn and RoleArn are required)");
    }
    if (expression == null) {
      throw invalid(
          "1 validation error detected: Value null at 'scheduleExpression' failed to satisfy"
              + " constraint: Member must not be null");
    }
    if (expression.startsWith("cron(")) {
      try {
        AwsCron.parse(expression);
      } catch (IllegalArgumentException e) {
        throw invalid("Invalid Schedule Expression " + expression + ".");
      }
    } else if (!expression.startsWith("rate(") && !expression.startsWith("at(")) {
      throw invalid("Invalid Schedule Expression " + expression + ".");
    }
    String zone = timezone == null ? "UTC" : timezone;
    if (!ZoneId.getAvailableZoneIds().contains(zone)) {
      throw invalid("Invalid Schedule Expression Timezone " + zone + ".");
    }
    Instant now = clock.instant();
    return new Schedule(
        name,
        group,
        expression,
        zone,
        scheduleState == null ? "ENABLED" : scheduleState,
        description,
        target.arn(),
        target.roleArn(),
        target.input(),
        created.orElse(now),
        now);
  }

  @Override
  public synchronized DeleteScheduleResponse deleteSchedule(DeleteScheduleRequest request) {
    Group group = group(request.groupName());
    if (!group.schedules().containsKey(request.name())) {
      throw notFound("Schedule " + request.name() + " does not exist.");
    }
    Map<String, Schedule> schedules = new TreeMap<>(group.schedules());
    schedules.remove(request.name());
    put(new Group(group.name(), group.created(), schedules));
    return DeleteScheduleResponse.builder().build();
  }

  @Override
  public synchronized GetScheduleResponse getSchedule(GetScheduleRequest request) {
    Schedule s = group(request.groupName()).schedules().get(request.name());
    if (s == null) {
      throw notFound("Schedule " + request.name() + " does not exist.");
    }
    return GetScheduleResponse.builder()
        .arn(scheduleArn(s.groupName(), s.name()))
        .name(s.name())
        .groupName(s.groupName())
        .scheduleExpression(s.scheduleExpression())
        .scheduleExpressionTimezone(s.scheduleExpressionTimezone())
        .state(s.state())
        .description(s.description())
        .flexibleTimeWindow(FlexibleTimeWindow.builder().mode("OFF").build())
        .target(Target.builder().arn(s.targetArn()).roleArn(s.roleArn()).input(s.input()).build())
        .creationDate(s.creationDate())
        .lastModificationDate(s.lastModificationDate())
        .build();
  }

  @Override
  public synchronized ListSchedulesResponse listSchedules(ListSchedulesRequest request) {
    List<ScheduleSummary> schedules = new ArrayList<>();
    for (Group g : state.groups().values()) {
      if (request.groupName() != null && !g.name().equals(request.groupName())) {
        continue;
      }
      for (Schedule s : g.schedules().values()) {
        if (request.namePrefix() == null || s.name().startsWith(request.namePrefix())) {
          schedules.add(
              ScheduleSummary.builder()
                  .name(s.name())
                  .groupName(g.name())
                  .arn(scheduleArn(g.name(), s.name()))
                  .state(s.state())
                  .creationDate(s.creationDate())
                  .lastModificationDate(s.lastModificationDate())
                  .target(TargetSummary.builder().arn(s.targetArn()).build())
                  .build());
        }
      }
    }
    return ListSchedulesResponse.builder().schedules(schedules).build();
  }

  /** Every firing of the enabled cron schedules in (after, until], in time order. */
  /**
   * Parsed schedule expressions: parsing cron is far dearer than asking it, and the simulator asks
   * every 10 seconds.
   */
  private final java.util.Map<String, ScheduleClock> clocks = new java.util.HashMap<>();

  public synchronized List<Firing> firings(Instant after, Instant until) {
    List<Firing> firings = new ArrayList<>();
    for (Group g : state.groups().values()) {
      for (Schedule s : g.schedules().values()) {
        if (!s.state().equals("ENABLED") || !s.scheduleExpression().startsWith("cron(")) {
          continue;
        }
        ScheduleClock clock =
            clocks.computeIfAbsent(
                s.scheduleExpression() + "|" + s.scheduleExpressionTimezone(),
                key ->
                    new ScheduleClock(
                        AwsCron.parse(s.scheduleExpression()),
                        ZoneId.of(s.scheduleExpressionTimezone())));
        Instant from = after;
        for (Optional<Instant> next = clock.next(from);
            next.isPresent() && !next.get().isAfter(until);
            next = clock.next(from)) {
          firings.add(new Firing(next.get(), g.name(), s.name(), s.targetArn(), s.input()));
          from = next.get();
        }
      }
    }
    firings.sort(
        Comparator.comparing(Firing::at)
            .thenComparing(Firing::groupName)
            .thenComparing(Firing::scheduleName));
    return firings;
  }
}
