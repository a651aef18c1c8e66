using System.Text.Json;
using Json.Schema;
using Wirewatch.Contracts;

namespace Wirewatch.Tests.Shared.Schemas;

/// <summary>
/// The shipped JSON Schemas (src/Wirewatch.Contracts/schemas, copied beside the tests) and which message each one
/// describes. Compiled into test projects that set <c>UsesWireSchemas</c>.
/// </summary>
internal static class WireSchemas
{
    /// <summary>Message type -> schema file; every wire message has one.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Files = new Dictionary<Type, string>
    {
        [typeof(ArticleFetched)] = "article-fetched.schema.json",
        [typeof(ArticleCleaned)] = "article-cleaned.schema.json",
        [typeof(ArticleClassified)] = "article-classified.schema.json",
        [typeof(ArticleRejected)] = "article-rejected.schema.json",
        [typeof(AlertRaised)] = "alert-raised.schema.json",
        [typeof(AlertDeliveryFailed)] = "alert-delivery-failed.schema.json",
        [typeof(AlertDigest)] = "alert-digest.schema.json",
    };

    /// <summary>Exchange -> the schema file of what it carries.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByExchange = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [WireNames.ArticlesFetchedExchange] = "article-fetched.schema.json",
        [WireNames.ArticlesCleanedExchange] = "article-cleaned.schema.json",
        [WireNames.ArticlesClassifiedExchange] = "article-classified.schema.json",
        [WireNames.ArticlesRejectedExchange] = "article-rejected.schema.json",
        [WireNames.AlertsExchange] = "alert-raised.schema.json",
        [WireNames.AlertsBySubscriptionExchange] = "alert-raised.schema.json",
        [WireNames.AlertsUnroutedExchange] = "alert-raised.schema.json",
        [WireNames.AlertDeliveryFailedExchange] = "alert-delivery-failed.schema.json",
    };

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "schemas");

    private static readonly Lazy<Dictionary<string, JsonSchema>> Built = new(() =>
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var built = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        // alert-raised first: the digest and the failure event refer to it.
        foreach (var file in Directory.GetFiles(Folder, "*.schema.json").OrderBy(f => Path.GetFileName(f) == "alert-raised.schema.json" ? 0 : 1))
        {
            var schema = JsonSchema.FromText(File.ReadAllText(file), options);
            options.SchemaRegistry.Register(schema);
            built[Path.GetFileName(file)] = schema;
        }

        return built;
    });

    public static JsonDocument Document(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, file)));

    /// <summary>The errors of <paramref name="json"/> against <paramref name="file"/>, one line each; empty when it is valid.</summary>
    public static IReadOnlyList<string> Errors(string file, string json)
    {
        var results = Built.Value[file].Evaluate(JsonDocument.Parse(json).RootElement,
            new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return results.IsValid
            ? []
            : (results.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }

    public static IReadOnlyList<string> Errors<T>(T message) where T : notnull =>
        Errors(Files[typeof(T)], JsonSerializer.Serialize(message, WireJson.Options));
}
