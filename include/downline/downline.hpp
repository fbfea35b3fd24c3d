// downline — the whole public C++ API. Include this, or the one header you
// need.
#pragma once

#include <downline/company.hpp>
#include <downline/enrollment.hpp>
#include <downline/error.hpp>
#include <downline/export.hpp>
#include <downline/genealogy.hpp>
#include <downline/ids.hpp>
#include <downline/json.hpp>
#include <downline/money.hpp>
#include <downline/person.hpp>
#include <downline/rules.hpp>
#include <downline/segments.hpp>
#include <downline/time.hpp>
#include <downline/version.hpp>
