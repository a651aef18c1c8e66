namespace Wirewatch.Alerting.Tests;

/// <summary>The example <c>subscriptions.json</c> of the alerting issue, verbatim: it must keep working.</summary>
internal static class IssueExample
{
    public const string Json = """
        { "subscriptions": [ {
            "id": "sanctions-desk",
            "topics": ["sanctions"], "minScore": 0.6,
            "keywords": { "any": ["Resolution 2270"], "none": ["football"] },
            "entities": ["U.N. Security Council"], "sources": ["yonhap-nk"],
            "severity": { "high": 0.85, "medium": 0.7 },
            "channels": [
              { "type": "bus" },
              { "type": "webhook", "url": "https://hooks.example.org/wirewatch", "secretEnv": "WIREWATCH_HOOK_SECRET" },
              { "type": "email", "to": ["desk@example.org"] }
            ],
            "throttle": { "maxPerHour": 20, "digestAfter": 5 }
        } ] }
        """;
}
