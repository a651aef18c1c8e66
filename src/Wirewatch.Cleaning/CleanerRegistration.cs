using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wirewatch.Cleaning.Stories;

namespace Wirewatch.Cleaning;

public static class CleanerRegistration
{
    /// <summary>
    /// The cleaner, its rules (loaded now, so a bad rules file stops the start with a message naming the rule), and the
    /// story tracker over the <see cref="IStoryStore"/> of the state seam (Wirewatch.State). <see cref="CleanerOptions"/> are bound from
    /// <see cref="CleanerOptions.Section"/> of the host's configuration, when there is one.
    /// </summary>
    public static IServiceCollection AddCleaner(this IServiceCollection services, string rulesPath)
    {
        var rules = CleaningRules.Load(rulesPath);
        services.AddOptions<CleanerOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(CleanerOptions.Section).Bind(o));
        services.AddSingleton(rules);
        services.AddSingleton(sp => new WireArticleCleaner(sp.GetRequiredService<IOptions<CleanerOptions>>().Value, rules));
        services.AddSingleton(sp => new StoryTracker(
            sp.GetRequiredService<IStoryStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<CleanerOptions>>().Value));
        return services;
    }

    public static IBusRegistrationConfigurator AddCleanerConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CleanArticleConsumer, CleanArticleConsumerDefinition>();
        return bus;
    }
}
