using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Wirewatch.Classification;

public static class ClassifierRegistration
{
    /// <summary>Loads the taxonomy and gazetteer now, so a broken data file stops the worker at start.</summary>
    public static IServiceCollection AddClassifier(this IServiceCollection services, string topicsPath, string entitiesPath)
    {
        services.AddSingleton(TopicClassifier.Load(topicsPath, entitiesPath));
        services.AddMetrics(); // IMeterFactory, when the host has not added it
        services.AddSingleton<ClassifierMetrics>();
        return services;
    }

    public static IBusRegistrationConfigurator AddClassifierConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ClassifyArticleConsumer, ClassifyArticleConsumerDefinition>();
        return bus;
    }
}
