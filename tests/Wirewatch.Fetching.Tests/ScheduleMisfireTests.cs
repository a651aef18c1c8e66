using Quartz;
using Quartz.Spi;

namespace Wirewatch.Fetching.Tests;

/// <summary>
/// A source whose fire was missed (the fetcher was down, or its start took longer than Quartz's misfire threshold) runs
/// once at once, not a whole interval later and not once per missed fire.
/// </summary>
public sealed class ScheduleMisfireTests
{
    // Quartz reads the system clock (its own SystemTime, process-wide), so these tests do too, with a minute of slack.
    private static IOperableTrigger Misfired(SourceDefinition source, TimeSpan late)
    {
        var builder = TriggerBuilder.Create().WithIdentity("fetch-test-trigger").ForJob("fetch-test");
        FetcherRegistration.ConfigureTrigger(builder, source);
        var trigger = (IOperableTrigger)builder.StartAt(TimeProvider.System.GetUtcNow() - late).Build();
        trigger.ComputeFirstFireTimeUtc(null);
        trigger.UpdateAfterMisfire(null); // what the job store does with a trigger found later than the misfire threshold
        return trigger;
    }

    [Fact]
    public void An_interval_source_missed_by_a_slow_start_fires_now_and_counts_its_interval_from_there()
    {
        var before = TimeProvider.System.GetUtcNow();
        var trigger = Misfired(new SourceDefinition { Id = "test", Kind = "directory", Path = "in", Interval = TimeSpan.FromHours(1) }, late: TimeSpan.FromMinutes(10));

        var next = trigger.GetNextFireTimeUtc().ShouldNotBeNull();
        // Fires now (not at the next slot, 50 minutes away) ...
        next.ShouldBeLessThan(before + TimeSpan.FromMinutes(1), "the missed first cycle runs at once");
        next.ShouldBeGreaterThanOrEqualTo(before - TimeSpan.FromSeconds(1));
        // ... once, then on its interval from there.
        trigger.Triggered(null);
        var then = trigger.GetNextFireTimeUtc().ShouldNotBeNull();
        (then - next).ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public void An_interval_source_down_for_many_intervals_runs_once_not_once_per_missed_fire()
    {
        var before = TimeProvider.System.GetUtcNow();
        var trigger = Misfired(new SourceDefinition { Id = "test", Kind = "directory", Path = "in", Interval = TimeSpan.FromMinutes(5) }, late: TimeSpan.FromHours(3));

        var next = trigger.GetNextFireTimeUtc().ShouldNotBeNull();
        next.ShouldBeLessThan(before + TimeSpan.FromMinutes(1));
        trigger.Triggered(null);
        (trigger.GetNextFireTimeUtc().ShouldNotBeNull() - next).ShouldBe(TimeSpan.FromMinutes(5), "no replay of the 36 missed fires");
    }
}
