using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Wirewatch.Tests.Shared;
using Wirewatch.Tests.Shared.Schemas;

namespace Wirewatch.Contracts.Tests;

/// <summary>
/// Every public property of every contract record (and of the records nested in it) is described by its message's
/// JSON Schema, and the schema describes nothing the record does not have: a contract change without a schema change
/// fails here.
/// </summary>
public sealed class SchemaCoverageTests
{
    public static TheoryData<string> MessageTypes() => new(WireSchemas.Files.Keys.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void The_schema_describes_exactly_the_records_properties(string typeName)
    {
        var type = WireSchemas.Files.Keys.Single(t => t.Name == typeName);
        var problems = new List<string>();

        Compare(type, SchemaNode(WireSchemas.Files[type], "#"), typeName, problems);

        problems.ShouldBeEmpty(string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Every_message_record_of_the_contracts_has_a_schema()
    {
        // Records in the contracts' namespace that are published by themselves (the others are parts of messages, or
        // AlertRouted, which travels as an AlertRaised).
        var published = typeof(AlertRaised).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Wirewatch.Contracts" && t.GetMethod("<Clone>$") is not null)
            .Where(t => t.GetProperty("ProducedAt") is not null || t.GetProperty("FailedAt") is not null)
            .Select(t => t.Name);

        published.Order(StringComparer.Ordinal).ShouldBe(WireSchemas.Files.Keys.Select(t => t.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_schema_file_is_a_2020_12_schema_with_an_id_named_after_its_file()
    {
        var files = Directory.GetFiles(WireSchemas.Folder, "*.schema.json").Select(Path.GetFileName).ToList();

        files.Order(StringComparer.Ordinal).ShouldBe(WireSchemas.Files.Values.Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            using var document = WireSchemas.Document(file!);
            document.RootElement.GetProperty("$schema").GetString().ShouldBe("https://json-schema.org/draft/2020-12/schema", file);
            document.RootElement.GetProperty("$id").GetString().ShouldEndWith("/" + file, Case.Sensitive, file);
        }
    }

    [Fact]
    public void The_schemas_accept_a_full_message_and_reject_a_wrong_one()
    {
        var fetched = Articles.FromText("body") with { Http = new HttpFacts { Status = 200, ETag = "\"e\"", LastModified = Articles.FixedNow } };
        WireSchemas.Errors(fetched).ShouldBeEmpty();

        WireSchemas.Errors("article-fetched.schema.json", """{"articleId":"a","version":0}""").ShouldNotBeEmpty();
        var digestWithBadAlert = """{"digestId":"d","subscriptionId":"s","producedAt":"2026-01-01T00:00:00Z","alerts":[{"alertId":"x","severity":"urgent"}]}""";
        WireSchemas.Errors("alert-digest.schema.json", digestWithBadAlert).ShouldNotBeEmpty("a digest's alerts are checked against alert-raised");
    }

    /// <summary>Walks the record and the schema together: names must agree on both sides, at every level.</summary>
    private static void Compare(Type type, Node node, string path, List<string> problems)
    {
        var schema = node.Element;
        if (!schema.TryGetProperty("properties", out var described))
        {
            problems.Add($"{path}: the schema has no 'properties' for {type.Name}");
            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.Name != "EqualityContract")
            .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name), StringComparer.Ordinal);
        foreach (var name in properties.Keys.Where(n => !described.TryGetProperty(n, out _)))
        {
            problems.Add($"{path}.{name}: sent but not in the schema");
        }

        foreach (var name in described.EnumerateObject().Select(p => p.Name).Where(n => !properties.ContainsKey(n)))
        {
            problems.Add($"{path}.{name}: in the schema but not a property of {type.Name}");
        }

        foreach (var (name, property) in properties)
        {
            if (!described.TryGetProperty(name, out var child))
            {
                continue;
            }

            var childNode = Resolve(node with { Element = child });
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (ElementType(propertyType) is { } itemType)
            {
                if (IsContractRecord(itemType))
                {
                    if (!childNode.Element.TryGetProperty("items", out var items))
                    {
                        problems.Add($"{path}.{name}: a list of {itemType.Name} without 'items' in the schema");
                        continue;
                    }

                    Compare(itemType, Resolve(childNode with { Element = items }), $"{path}.{name}[]", problems);
                }
            }
            else if (IsContractRecord(propertyType))
            {
                Compare(propertyType, childNode, $"{path}.{name}", problems);
            }
        }
    }

    private static bool IsContractRecord(Type type) => type.Namespace == "Wirewatch.Contracts" && type.IsClass && type != typeof(string);

    private static Type? ElementType(Type type) =>
        type != typeof(string) && type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;

    private sealed record Node(string File, JsonElement Element);

    private static Node SchemaNode(string file, string pointer) => new(file, WireSchemas.Document(file).RootElement);

    /// <summary>Follows a <c>$ref</c> to another schema file of the folder (the only kind of reference the schemas use).</summary>
    private static Node Resolve(Node node) =>
        node.Element.ValueKind == JsonValueKind.Object && node.Element.TryGetProperty("$ref", out var reference)
            ? SchemaNode(reference.GetString()!, "#")
            : node;
}
