using Wirewatch.Contracts;

namespace Wirewatch.Alerting;

/// <summary>
/// Told of every alert the alerter raises (a first alert or an update), whatever its subscription's channels: the bus
/// sees only subscriptions with a bus channel, so <c>wirewatch once</c> listens here to print alerts that go only to a
/// webhook or by email. Called in the alerter's handling of the article, before its deliveries.
/// </summary>
public interface IAlertObserver
{
    void Raised(AlertRaised alert);
}
