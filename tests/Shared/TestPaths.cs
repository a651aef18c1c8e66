using System.Text.Json;

namespace Wirewatch.Tests.Shared;

/// <summary>Where the repository, the shipped defaults and samples, and the shared seed pages are.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>../shared/seeds beside the repository; tests that need it are skipped with a message when it is absent.</summary>
    public static string SeedsFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "seeds"));

    public static bool HasSeeds => File.Exists(Path.Combine(SeedsFolder, "expected.json"));

    /// <summary>../shared/corpus/article-extraction-benchmark: real pages, never copied into the repository.</summary>
    public static string ExtractionBenchmarkFolder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus", "article-extraction-benchmark"));

    public static bool HasExtractionBenchmark => File.Exists(Path.Combine(ExtractionBenchmarkFolder, "ground-truth.json"));

    public static string WorkerFolder => Path.Combine(RepositoryRoot, "src", "Wirewatch.Worker");

    public static string Defaults(string file) => Path.Combine(WorkerFolder, "defaults", file);

    public static string SamplesFolder => Path.Combine(WorkerFolder, "samples");

    public static JsonElement ExpectedSeeds() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(SeedsFolder, "expected.json"))).RootElement;

    public static string TempFolder(string prefix) => Directory.CreateTempSubdirectory($"wirewatch-{prefix}-").FullName;

    /// <summary>Writes <paramref name="content"/> to a file of that name in a fresh temporary folder and returns its path.</summary>
    public static string TempFile(string name, string content)
    {
        var path = Path.Combine(TempFolder(Path.GetFileNameWithoutExtension(name)), name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workers.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Workers.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that needs ../shared/seeds; skipped, with the reason, where that folder is absent.</summary>
internal sealed class SeedFactAttribute : FactAttribute
{
    public SeedFactAttribute()
    {
        if (!TestPaths.HasSeeds)
        {
            Skip = $"The seed pages are not at {TestPaths.SeedsFolder}: clone the repository beside shared/ to run this test.";
        }
    }
}

/// <summary>A theory that needs ../shared/seeds; skipped, with the reason, where that folder is absent.</summary>
internal sealed class SeedTheoryAttribute : TheoryAttribute
{
    public SeedTheoryAttribute()
    {
        if (!TestPaths.HasSeeds)
        {
            Skip = $"The seed pages are not at {TestPaths.SeedsFolder}: clone the repository beside shared/ to run this test.";
        }
    }
}

/// <summary>A fact that needs ../shared/corpus/article-extraction-benchmark; skipped, with the reason, where it is absent.</summary>
internal sealed class ExtractionBenchmarkFactAttribute : FactAttribute
{
    public ExtractionBenchmarkFactAttribute()
    {
        if (!TestPaths.HasExtractionBenchmark)
        {
            Skip = $"The Article Extraction Benchmark is not at {TestPaths.ExtractionBenchmarkFolder}: clone the repository beside shared/ to run this test.";
        }
    }
}
