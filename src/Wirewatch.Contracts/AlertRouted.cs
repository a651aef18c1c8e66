using System.Text.Json;
using System.Text.Json.Serialization;

namespace Wirewatch.Contracts;

/// <summary>
/// An <see cref="AlertRaised"/> on its way to the <c>wirewatch.alerts.by-subscription</c> headers exchange. On the wire
/// it is the alert itself (the same JSON, the same schema, the same message id); the headers
/// <c>wirewatch-subscription</c>, <c>wirewatch-severity</c> and one <c>wirewatch-topic-&lt;topic&gt;</c> per matched
/// topic (see <see cref="AlertRouting.HeadersFor"/>) let a queue bind to one subscription or to any matched topic.
/// This type exists only because the bus names an exchange per .NET type; readers deserialize <see cref="AlertRaised"/>.
/// </summary>
[JsonConverter(typeof(AlertRoutedConverter))]
public sealed record AlertRouted(AlertRaised Alert);

/// <summary>Writes and reads <see cref="AlertRouted"/> as the bare alert.</summary>
public sealed class AlertRoutedConverter : JsonConverter<AlertRouted>
{
    public override AlertRouted? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<AlertRaised>(ref reader, options) is { } alert ? new AlertRouted(alert) : null;

    public override void Write(Utf8JsonWriter writer, AlertRouted value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Alert, options);
}
