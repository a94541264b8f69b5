// The SDK release a plugin was compiled with; recorded in every plugin's metadata.
#pragma once

#define CURIFACTORY_SDK_VERSION "0.1.0"
