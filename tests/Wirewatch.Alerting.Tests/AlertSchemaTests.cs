using System.Text.Json;
using Json.Schema;
using Wirewatch.Contracts;
using Wirewatch.Tests.Shared;

namespace Wirewatch.Alerting.Tests;

/// <summary>The JSON Schema shipped for downstream readers (src/Wirewatch.Contracts/schemas) matches what we send.</summary>
public sealed class AlertSchemaTests
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", "alert-raised.schema.json")));

    private static EvaluationResults Evaluate(string json) =>
        Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });

    [Fact]
    public void A_serialized_alert_and_update_validate_against_the_schema()
    {
        var alert = new SubscriptionMatcher().Match(Classified.Article(0.9, version: 2), Classified.Sanctions(), Articles.FixedNow)! with
        {
            AlertId = "sanctions-desk:story-1:u1", IsUpdate = true, UpdatesAlertId = "sanctions-desk:story-1",
        };

        var results = Evaluate(JsonSerializer.Serialize(alert, WireJson.Options));

        results.IsValid.ShouldBeTrue(string.Join("; ", results.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? []));
    }

    [Fact]
    public void Every_property_we_send_is_described_and_the_schema_rejects_a_wrong_shape()
    {
        var alert = new SubscriptionMatcher().Match(Classified.Article(0.9), Classified.Sanctions(), Articles.FixedNow)!;
        var sent = JsonSerializer.SerializeToNode(alert, WireJson.Options)!.AsObject().Select(p => p.Key);
        var described = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schemas", "alert-raised.schema.json")))
            .RootElement.GetProperty("properties").EnumerateObject().Select(p => p.Name);

        sent.Order(StringComparer.Ordinal).ShouldBe(described.Order(StringComparer.Ordinal));
        Evaluate("""{"alertId":"a","severity":"urgent"}""").IsValid.ShouldBeFalse();
        var wrongType = JsonSerializer.SerializeToNode(alert, WireJson.Options)!;
        wrongType["isUpdate"] = "no";
        Evaluate(wrongType.ToJsonString()).IsValid.ShouldBeFalse();
    }
}
