namespace Wirewatch.IntegrationTests;

/// <summary>Articles written for these tests, in the wire layout of the worker's samples (a fictional story).</summary>
public static class TestArticles
{
    /// <summary>About sanctions and nothing else: the sanctions desk must hear of it, the human-rights monitor must not.</summary>
    public const string SanctionsFreeze = """
        Go to Contents Go to Navigation

        (LEAD) Seoul freezes assets of shipping firms accused of breaching coal export ban

        All News 10:40 March 3, 2025

        SEOUL, March 3 (Yonhap) -- South Korea on Monday imposed unilateral sanctions on three shipping firms and two of their executives, freezing their assets for helping North Korea breach the U.N. ban on exports of coal, the finance ministry said.

        The ministry said the firms arranged ship-to-ship transfers of coal near the Chinese coast last year and forged cargo papers so that the shipments looked as if they came from Russia, in violation of Security Council sanctions.

        The designation bars South Korean banks and companies from dealing with the firms without approval, and any assets they hold here are frozen.

        Officials said the government would share the findings with the United States and Japan and push for a joint designation at the Security Council sanctions committee.

        "We will keep closing the gaps that allow sanctions evasion," a ministry official told reporters, adding that stricter cargo inspections were planned at three ports.
        (END)

        HOME TOP
        Send Feedback
        """;
}
