using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Wirewatch.Cleaning;

public static class CleanerRegistration
{
    public static IServiceCollection AddCleaner(this IServiceCollection services)
    {
        services.AddSingleton(sp => new WireArticleCleaner(sp.GetRequiredService<IOptions<CleanerOptions>>().Value));
        return services;
    }

    public static IBusRegistrationConfigurator AddCleanerConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<CleanArticleConsumer, CleanArticleConsumerDefinition>();
        return bus;
    }
}
