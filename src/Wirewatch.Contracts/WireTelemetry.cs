namespace Wirewatch.Contracts;

/// <summary>
/// The one name of Wirewatch's meter and activity source: every stage creates its instruments and spans under it, and
/// OpenTelemetry listens to it (<c>AddMeter</c>, <c>AddSource</c> in Wirewatch.Hosting). Dashboards select on it.
/// </summary>
public static class WireTelemetry
{
    public const string Name = "Wirewatch";
}
